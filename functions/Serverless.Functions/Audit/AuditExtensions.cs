using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Audit;

public static class AuditExtensions
{
    /// <summary>The audit log, and an audit record for every email queued (in any order with AddEmail).</summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<TableAuditLog>();
        builder.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<TableAuditLog>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEmailQueuedListener, EmailAuditListener>());
        return builder;
    }
}
