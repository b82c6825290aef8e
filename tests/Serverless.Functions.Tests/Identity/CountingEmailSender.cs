using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Functions.Platform.Email;

namespace Serverless.Functions.Tests.Identity;

/// <summary>The app's real email sender, counting the emails written per recipient; it can hold them back until released.</summary>
internal sealed class CountingEmailSender
{
    private readonly ConcurrentDictionary<string, int> _written = new(StringComparer.OrdinalIgnoreCase);
    private volatile TaskCompletionSource _gate = Open();

    public void Register(IServiceCollection services)
    {
        services.RemoveAll<IEmailSender>();
        services.AddSingleton<OutboxEmailSender>();
        services.AddSingleton<IEmailSender>(sp => new Counting(this, sp.GetRequiredService<OutboxEmailSender>()));
    }

    public int To(string address) => _written.GetValueOrDefault(address);

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private sealed class Counting(CountingEmailSender owner, IEmailSender inner) : IEmailSender
    {
        public async Task<EmailOutboxResult> SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            await owner._gate.Task.WaitAsync(cancellationToken);
            owner._written.AddOrUpdate(message.To, 1, (_, n) => n + 1);
            return await inner.SendAsync(message, cancellationToken);
        }
    }
}
