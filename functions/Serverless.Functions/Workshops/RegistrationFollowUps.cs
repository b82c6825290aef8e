using System.Threading.Channels;

namespace Serverless.Functions.Workshops;

/// <summary>A committed registration's follow-up: who, what it was before, and the link the person used.</summary>
public sealed record RegistrationFollowUp(RegistrationEntity Registration, object? Before, SeriesEntity Series, SessionEntity Session, int? WaitlistPosition, string Token, string CampaignId);

/// <summary>
/// Follow-ups of registrations waiting for <see cref="RegistrationFollowUpWorker"/>, so a burst of
/// registrations is answered as soon as the seats are committed. Bounded: when full, the request
/// does its own follow-up.
/// </summary>
public sealed class RegistrationFollowUps
{
    private readonly Channel<RegistrationFollowUp> _channel = Channel.CreateBounded<RegistrationFollowUp>(new BoundedChannelOptions(5_000) { FullMode = BoundedChannelFullMode.Wait });

    public bool TryEnqueue(RegistrationFollowUp followUp) => _channel.Writer.TryWrite(followUp);

    public ChannelReader<RegistrationFollowUp> Reader => _channel.Reader;
}

/// <summary>
/// Runs queued follow-ups a few at a time. One that fails keeps its flag on the registration row,
/// and <see cref="RegistrationFollowUpSweep"/> finishes it later; so does a stop with work queued.
/// While people are waiting for their seats the follow-ups yield to them (for at most
/// <see cref="MaxYield"/> each): in a burst, storage goes to the answers first.
/// </summary>
public sealed class RegistrationFollowUpWorker(RegistrationFollowUps queue, RegistrationService registrations, SeatAllocator seats, ILogger<RegistrationFollowUpWorker> logger) : BackgroundService
{
    private const int Concurrency = 4;
    private static readonly TimeSpan MaxYield = TimeSpan.FromSeconds(2);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => RunAsync(stoppingToken)));

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var followUp in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    var yieldUntil = Environment.TickCount64 + (long)MaxYield.TotalMilliseconds;
                    while (seats.Busy && Environment.TickCount64 < yieldUntil)
                    {
                        await Task.Delay(20, stoppingToken);
                    }

                    await registrations.RunFollowUpAsync(followUp, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Follow-up of the registration of {PersonId} in series {SeriesId} failed; the sweep finishes it", followUp.Registration.PersonId, followUp.Registration.SeriesId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left is finished by the sweep.
        }
    }
}
