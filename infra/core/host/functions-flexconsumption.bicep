metadata description = 'A Linux function app on its own Flex Consumption (FC1) plan, deployed from a blob container and running as a user-assigned managed identity.'

param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('Value of the azd-service-name tag; it goes on the function app only, so azd finds exactly one deploy target.')
param azdServiceName string = ''

@description('Resource id of the user-assigned identity the app runs as (deployment storage, host storage, Key Vault references).')
param identityId string

@description('Storage account whose blob container holds the deployment package.')
param storageAccountName string

@description('Blob container that receives the deployment package (created by the storage module).')
param deploymentContainerName string

@allowed(['dotnet-isolated', 'node', 'python', 'java', 'powershell', 'custom'])
param runtimeName string

param runtimeVersion string

@description('Upper bound of instances the plan scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('App settings (environment variables of the host and the app).')
param appSettings object = {}

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: empty(azdServiceName) ? tags : union(tags, { 'azd-service-name': azdServiceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output id string = functionApp.id
output name string = functionApp.name
output location string = functionApp.location
output uri string = 'https://${functionApp.properties.defaultHostName}'
