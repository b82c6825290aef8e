using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Functions;

namespace Serverless.Functions.Cohorts;

/// <summary>
/// The cohorts track: programmes and cohorts (dates, capacity, budget, people, organisations with
/// quotas), the candidate pipeline, the onboarding orchestration and its public pages.
/// </summary>
public static class CohortsExtensions
{
    public static IHostApplicationBuilder AddCohorts(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<CohortOptions>(builder.Configuration.GetSection(CohortOptions.SectionName));
        builder.Services.AddSingleton<CohortStore>();
        builder.Services.AddSingleton<CohortLinks>();
        builder.Services.AddSingleton<CohortEmails>();
        builder.Services.AddSingleton<CandidatePipeline>();
        builder.Services.AddHostedService<CohortDemoData>();
        builder.Services.AddMaintenanceSweep<CohortOnboardingSweep>();
        builder.Services.AddOrchestrations(registry => registry
            .AddOrchestrator<CohortOnboardingOrchestrator>()
            .AddOrchestrator<ParticipantOnboardingOrchestrator>()
            .AddActivity<ListRoundParticipants>()
            .AddActivity<CountRoundProgress>()
            .AddActivity<StartParticipantOnboardings>()
            .AddActivity<SendCohortWelcome>()
            .AddActivity<SendOnboardingReminder>()
            .AddActivity<EscalateOnboarding>()
            .AddActivity<SendCoordinatorSummary>());
        return builder;
    }

    public static IEndpointRouteBuilder MapCohortsApi(this IEndpointRouteBuilder app)
    {
        app.MapCohortsAdminApi();
        app.MapCohortOnboardingApi();
        app.MapCohortChallengesApi();
        return app;
    }
}
