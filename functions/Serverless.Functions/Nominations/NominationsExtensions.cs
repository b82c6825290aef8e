using Serverless.Functions.Platform.Durable;

namespace Serverless.Functions.Nominations;

/// <summary>
/// The nominations track: calls for nominations, the nomination form with attachments, expert
/// review through personal emailed links (one durable orchestration per nomination), the ranked
/// board and the decisions.
/// </summary>
public static class NominationsExtensions
{
    public static IHostApplicationBuilder AddNominations(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<NominationOptions>(builder.Configuration.GetSection(NominationOptions.SectionName));
        builder.Services.AddSingleton<NominationStore>();
        builder.Services.AddSingleton<ReviewLinks>();
        builder.Services.AddSingleton<NominationEmails>();
        builder.Services.AddSingleton<ReviewMailer>();
        builder.Services.AddSingleton<TradeTracker>();
        builder.Services.AddSingleton<TradeProjects>();
        builder.Services.AddHostedService<NominationDemoData>();
        builder.Services.AddOrchestrations(registry => registry
            .AddOrchestrator<NominationReviewOrchestrator>()
            .AddActivity<AssignNominationReviewers>()
            .AddActivity<SendNominationReviewReminders>()
            .AddActivity<ReplaceSilentReviewers>()
            .AddActivity<CompleteNominationReview>()
            .AddOrchestrator<TradeProjectOrchestrator>()
            .AddActivity<StartTradeStage>()
            .AddActivity<RequestProgressReport>()
            .AddActivity<SendProgressReportReminder>()
            .AddActivity<MarkProgressReportOverdue>()
            .AddActivity<RequestStageGate>());
        return builder;
    }

    public static IEndpointRouteBuilder MapNominationsApi(this IEndpointRouteBuilder app)
    {
        app.MapNominationsAdminApi();
        app.MapNominationReviewApi();
        app.MapTradeApi();
        return app;
    }
}
