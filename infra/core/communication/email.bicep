metadata description = 'Azure Communication Services with an Email Communication Service and its Azure-managed sender domain linked.'

param communicationServiceName string
param emailServiceName string
param tags object = {}

@description('Where Communication Services keeps data at rest; the email service and the communication service must match to be linked.')
param dataLocation string

resource emailService 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }

  // An Azure-managed domain (<guid>.azurecomm.net) needs no DNS work and comes with the DoNotReply sender.
  resource managedDomain 'domains' = {
    name: 'AzureManagedDomain'
    location: 'global'
    tags: tags
    properties: {
      domainManagement: 'AzureManaged'
      userEngagementTracking: 'Disabled'
    }
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      emailService::managedDomain.id
    ]
  }
}

output communicationServiceId string = communicationService.id
output communicationServiceName string = communicationService.name
output endpoint string = 'https://${communicationService.properties.hostName}'
output senderDomain string = emailService::managedDomain.properties.mailFromSenderDomain
output senderAddress string = 'DoNotReply@${emailService::managedDomain.properties.mailFromSenderDomain}'
