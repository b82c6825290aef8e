using Serverless.Functions.Platform.Durable;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Functions;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Workshops;

/// <summary>
/// The workshops track: series and sessions, invitation campaigns (durable), registration with
/// seats and a waitlist, reminders, attendance and feedback.
/// </summary>
public static class WorkshopsExtensions
{
    public static IHostApplicationBuilder AddWorkshops(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<WorkshopOptions>(builder.Configuration.GetSection(WorkshopOptions.SectionName));
        builder.Services.AddSingleton<WorkshopStore>();
        builder.Services.AddSingleton<SeatAllocator>();
        builder.Services.AddSingleton<InvitationLinks>();
        builder.Services.AddSingleton<WorkshopEmails>();
        builder.Services.AddSingleton<InvitationResolver>();
        builder.Services.AddSingleton<IPersonErasureObserver>(sp => sp.GetRequiredService<InvitationResolver>());
        builder.Services.AddSingleton<RegistrationEmails>();
        builder.Services.AddSingleton<RegistrationFollowUps>();
        builder.Services.AddSingleton<WaitlistPromotion>();
        builder.Services.AddSingleton<InvitationAnswers>();
        builder.Services.AddSingleton<RegistrationChanges>();
        builder.Services.AddSingleton<WorkshopSurveys>();
        builder.Services.AddHostedService<WorkshopDemoData>();
        builder.Services.AddHostedService<RegistrationFollowUpWorker>();
        builder.Services.AddMaintenanceSweep<RegistrationFollowUpSweep>();
        builder.Services.AddSingleton<IEmailFailureObserver, InvitationBounces>();
        builder.Services.AddOrchestrations(registry => registry
            .AddOrchestrator<WorkshopInvitationOrchestrator>()
            .AddOrchestrator<WaitlistOfferOrchestrator>()
            .AddOrchestrator<SessionReminderOrchestrator>()
            .AddActivity<CountInvitations>()
            .AddActivity<SendWorkshopInvitations>()
            .AddActivity<SendInvitationReminders>()
            .AddActivity<ExpireInvitations>()
            .AddActivity<LapseWaitlistOffer>()
            .AddActivity<SendSessionReminders>());
        return builder;
    }

    public static IEndpointRouteBuilder MapWorkshopsApi(this IEndpointRouteBuilder app)
    {
        app.MapWorkshopsAdminApi();
        app.MapWorkshopCampaignsApi();
        app.MapWorkshopInvitationApi();
        return app;
    }
}
