using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace Serverless.Functions.Platform.Email;

public static class EmailExtensions
{
    public static IHostApplicationBuilder AddEmail(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(EmailOptions.SectionName);
        builder.Services.Configure<EmailOptions>(section);
        builder.Services.AddSingleton<EmailOutbox>();
        builder.Services.AddSingleton<IEmailSender, OutboxEmailSender>();
        builder.Services.AddSingleton<EmailDispatcher>();

        // Settings are read when services are resolved, not here, so configuration added later
        // (app settings, test hosts) decides the provider and the pollers.
        builder.Services.AddHttpClient(nameof(AcsEmailTransport));
        builder.Services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        builder.Services.AddSingleton<IEmailTransport>(sp =>
            string.Equals(sp.GetRequiredService<IOptions<EmailOptions>>().Value.Provider, "AzureCommunicationServices", StringComparison.OrdinalIgnoreCase)
                ? new AcsEmailTransport(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(AcsEmailTransport)),
                    sp.GetRequiredService<TokenCredential>(),
                    sp.GetRequiredService<IOptions<EmailOptions>>(),
                    sp.GetService<TimeProvider>() ?? TimeProvider.System)
                : ActivatorUtilities.CreateInstance<SmtpEmailTransport>(sp));
        builder.Services.AddHostedService<EmailDispatcherService>();

        builder.Services.AddSingleton<EmailSettingsCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailSettingsCheck>());
        builder.Services.AddHealthChecks().AddCheck<EmailSettingsCheck>("email");

        return builder;
    }
}
