using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;

namespace Serverless.Functions.Workshops;

/// <summary>
/// What the endpoints that create and change sessions are given by the container, taken as one
/// <c>[AsParameters]</c> argument so each handler's own parameters are what the request carries.
/// </summary>
public readonly record struct SessionServices(
    WorkshopStore Store,
    InvitationResolver Resolver,
    WaitlistPromotion Waitlist,
    DurableTaskClient Durable,
    IOptions<WorkshopOptions> Options,
    IAuditLog Audit,
    TimeProvider Time);
