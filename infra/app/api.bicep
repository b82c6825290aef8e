metadata description = '''The API: the app as a .NET isolated Azure Functions app (Durable Functions for its orchestrations,
one HTTP function running its ASP.NET Core pipeline) on a Flex Consumption plan, with the app settings it reads in Azure.'''

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
param communicationEndpoint string
param emailSenderAddress string

@description('Task hub of Durable Functions (its tables, queues and blobs in the host storage account); host.json reads it as %Durable:TaskHubName%.')
param taskHubName string

@description('Public address of the portal (the Static Web App), for links in emails.')
param webBaseUrl string

param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

var appSettings = {
  // Functions host: identity-based host storage (no keys), as the user-assigned identity. Durable
  // Functions keeps its task hub here and the email outbox queue trigger listens here. The service
  // URIs come from the account itself, so the connection holds in any cloud; accountName alone
  // would build public-cloud addresses.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId

  // Telemetry, sent with the identity because local (key) auth is off on the component.
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

  // DefaultAzureCredential in the worker picks the user-assigned identity by this client id.
  AZURE_CLIENT_ID: identityClientId

  // The app's own tables, queues and blobs: the account endpoints, reached with DefaultAzureCredential.
  Storage__TableEndpoint: storageTableEndpoint
  Storage__QueueEndpoint: storageQueueEndpoint
  Storage__BlobEndpoint: storageBlobEndpoint

  // The task hub's name, for host.json's durableTask section and the app's DurableOptions alike.
  Durable__TaskHubName: taskHubName

  // In Azure the [QueueTrigger] and [TimerTrigger] functions drive the email outbox, so the app's
  // own pollers stay off and the plan scales on queue length.
  Email__EnablePollers: 'false'
  Email__Provider: 'AzureCommunicationServices'
  Email__AcsEndpoint: communicationEndpoint
  Email__From: emailSenderAddress

  // Emailed links open the portal on the Static Web App.
  Auth__PublicBaseUrl: webBaseUrl
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
    // The .NET isolated worker on .NET 10; Flex Consumption derives FUNCTIONS_WORKER_RUNTIME and the
    // host version from this, so neither is an app setting.
    runtimeName: 'dotnet-isolated'
    runtimeVersion: '10.0'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: appSettings
  }
}

output id string = functionApp.outputs.id
output name string = functionApp.outputs.name
output location string = functionApp.outputs.location
output uri string = functionApp.outputs.uri
