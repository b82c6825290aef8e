using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Nominations;

/// <summary>
/// What the TRADE link pages' actions (report, gate) are given by the container, taken as one
/// <c>[AsParameters]</c> argument so each handler's own parameters are what the request carries.
/// </summary>
public readonly record struct TradeServices(
    ActionTokens Tokens,
    TradeTracker Tracker,
    NominationStore Store,
    PeopleStore People,
    TradeProjects Projects,
    IAuditLog Audit,
    TimeProvider Time);
