using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.Audit;
using Serverless.Functions.Cohorts;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Functions;
using Serverless.Functions.Platform.Storage;
using Serverless.Functions.Workshops;

namespace Serverless.Functions.Tests.Platform;

/// <summary>The order of the features' <c>Add…</c> calls does not change what is registered.</summary>
public sealed class CompositionTests
{
    [Fact]
    public void Emails_are_audited_whether_audit_is_added_before_or_after_email()
    {
        foreach (var auditFirst in new[] { true, false })
        {
            var builder = NewBuilder();
            if (auditFirst)
            {
                builder.AddAudit();
                builder.AddEmail();
            }
            else
            {
                builder.AddEmail();
                builder.AddAudit();
            }

            using var services = builder.Services.BuildServiceProvider();
            Assert.IsType<OutboxEmailSender>(services.GetRequiredService<IEmailSender>());
            Assert.IsType<EmailAuditListener>(Assert.Single(services.GetServices<IEmailQueuedListener>()));
        }
    }

    [Fact]
    public void The_sweep_service_runs_once_however_many_features_bring_sweeps()
    {
        var builder = NewBuilder();
        builder.AddWorkshops();
        builder.AddCohorts();
        builder.AddWorkshops();

        Assert.Single(builder.Services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(MaintenanceSweepService));
        var sweeps = builder.Services.Where(d => d.ServiceType == typeof(IMaintenanceSweep)).Select(d => d.ImplementationType).ToList();
        Assert.Equal(sweeps.Distinct().Count(), sweeps.Count);
        Assert.Contains(typeof(RegistrationFollowUpSweep), sweeps);
        Assert.Contains(typeof(CohortOnboardingSweep), sweeps);
    }

    private static HostApplicationBuilder NewBuilder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStorage();
        return builder;
    }
}
