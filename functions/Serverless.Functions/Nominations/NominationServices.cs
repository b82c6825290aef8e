using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Nominations;

/// <summary>
/// What the nomination endpoints that write are given by the container, taken as one
/// <c>[AsParameters]</c> argument so each handler's own parameters are what the request carries.
/// </summary>
public readonly record struct NominationServices(
    NominationStore Store,
    PeopleStore People,
    NominationEmails Emails,
    IEmailSender Email,
    IAuditLog Audit,
    TradeProjects Projects,
    IOptions<NominationOptions> Options,
    TimeProvider Time);
