metadata description = 'A Static Web App. Standard SKU: the Free SKU cannot link a backend.'

param name string
param location string
param tags object = {}

@allowed(['Free', 'Standard'])
param skuName string = 'Standard'

resource web 'Microsoft.Web/staticSites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    // azd uploads the built files; no repository is connected.
    provider: 'Custom'
  }
}

output id string = web.id
output name string = web.name
output uri string = 'https://${web.properties.defaultHostname}'
