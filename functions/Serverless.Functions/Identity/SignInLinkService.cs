namespace Serverless.Functions.Identity;

/// <summary>
/// Handles queued sign-in requests in the background, a few at a time. A request still queued
/// when the process stops is lost: the person asks again, as for a late email.
/// </summary>
public sealed class SignInLinkService(SignInLinks links, ILogger<SignInLinkService> logger) : BackgroundService
{
    private const int Parallelism = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Parallel.ForEachAsync(
                links.Queued.ReadAllAsync(stoppingToken),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
                async (request, cancellationToken) =>
                {
                    try
                    {
                        await links.SendAsync(request.Address, request.Language, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogError(ex, "A sign-in link could not be sent");
                    }
                    finally
                    {
                        links.Handled();
                    }
                });
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
