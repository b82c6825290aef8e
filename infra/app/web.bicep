metadata description = 'The portal: a Static Web App (Standard SKU, so it can link the API as its /api backend).'

param name string
param location string
param tags object = {}

module web '../core/host/staticwebapp.bicep' = {
  name: 'web-static-web-app'
  params: {
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': 'web' })
    skuName: 'Standard'
  }
}

output name string = web.outputs.name
output uri string = web.outputs.uri
