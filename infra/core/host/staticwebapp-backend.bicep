metadata description = 'Links a function app to a Static Web App as its backend: requests to /api/* on the site are proxied to the app.'

param staticWebAppName string

@description('Resource id of the function app.')
param backendResourceId string

@description('Region of the function app.')
param backendLocation string

resource web 'Microsoft.Web/staticSites@2024-11-01' existing = {
  name: staticWebAppName
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2024-11-01' = {
  parent: web
  name: 'api'
  properties: {
    backendResourceId: backendResourceId
    region: backendLocation
  }
}
