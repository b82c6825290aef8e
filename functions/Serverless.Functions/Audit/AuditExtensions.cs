using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Audit;

public static class AuditExtensions
{
    /// <summary>Call after AddEmail: wraps the registered email sender with the auditing decorator.</summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<TableAuditLog>();
        builder.Services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<TableAuditLog>());

        var registered = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IEmailSender))
            ?? throw new InvalidOperationException("AddAudit must come after AddEmail: there is no IEmailSender to audit.");
        builder.Services.Remove(registered);
        builder.Services.Add(new ServiceDescriptor(
            typeof(IEmailSender),
            sp => new AuditingEmailSender(CreateInner(sp, registered), sp.GetRequiredService<IAuditLog>()),
            registered.Lifetime));
        return builder;
    }

    private static IEmailSender CreateInner(IServiceProvider sp, ServiceDescriptor registered) => registered switch
    {
        { ImplementationInstance: IEmailSender instance } => instance,
        { ImplementationFactory: { } factory } => (IEmailSender)factory(sp),
        { ImplementationType: { } type } => (IEmailSender)ActivatorUtilities.CreateInstance(sp, type),
        _ => throw new InvalidOperationException("The registered IEmailSender cannot be decorated."),
    };
}
