metadata description = '''The API: the ASP.NET Core app run by Azure Functions as a custom handler (DESIGN.md section 2)
on a Flex Consumption plan, with the app settings it reads in Functions mode.'''

param name string
param planName string
param location string = resourceGroup().location
param tags object = {}

@description('The user-assigned identity the app runs as.')
param identityId string
param identityClientId string

param storageAccountName string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string

param applicationInsightsConnectionString string
param keyVaultEndpoint string
param communicationEndpoint string
param emailSenderAddress string

@description('Task hub of the durable runtime; the function.json queue triggers resolve %Durable__TaskHubName% from it.')
param taskHubName string

@description('Public address of the portal (the Static Web App), for links in emails.')
param webBaseUrl string

param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

var appSettings = {
  // Functions host: identity-based host storage (no keys); queue triggers use this connection too.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId

  // Telemetry, sent with the identity because local (key) auth is off on the component.
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

  // DefaultAzureCredential in the app picks the user-assigned identity by this client id.
  AZURE_CLIENT_ID: identityClientId
  AZURE_KEY_VAULT_ENDPOINT: keyVaultEndpoint

  // The app's own storage: the account endpoints, reached with DefaultAzureCredential.
  Storage__TableEndpoint: storageTableEndpoint
  Storage__QueueEndpoint: storageQueueEndpoint
  Storage__BlobEndpoint: storageBlobEndpoint

  // Functions mode: the host's queue and timer triggers drive the runtime and the email outbox,
  // so the app's own pollers stay off and the plan can scale on queue length.
  Durable__TaskHubName: taskHubName
  Durable__EnablePollers: 'false'
  Email__EnablePollers: 'false'

  Email__Provider: 'AzureCommunicationServices'
  Email__AcsEndpoint: communicationEndpoint
  Email__From: emailSenderAddress

  Web__PublicBaseUrl: webBaseUrl
  DemoData__Enabled: 'false'
}

module functionApp '../core/host/functions-flexconsumption.bicep' = {
  name: 'api-function-app'
  params: {
    name: name
    planName: planName
    location: location
    tags: tags
    azdServiceName: 'api'
    identityId: identityId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    // A custom handler: the host starts the self-contained Serverless.Functions executable named in host.json.
    runtimeName: 'custom'
    runtimeVersion: '1.0'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: appSettings
  }
}

output id string = functionApp.outputs.id
output name string = functionApp.outputs.name
output location string = functionApp.outputs.location
output uri string = functionApp.outputs.uri
