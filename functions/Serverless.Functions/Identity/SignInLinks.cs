using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Serverless.Functions.Audit;
using Serverless.Functions.Platform.Email;
using Serverless.Functions.Platform.Localization;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Registry;

namespace Serverless.Functions.Identity;

/// <summary>
/// Emails single-use sign-in links. A request is only queued while the caller waits, and the
/// look-up, the token and the email happen afterwards in the background, so the answer takes
/// the same time and says the same for registered and unknown addresses. Unknown addresses get
/// nothing; the configured first admin is registered on their first request. However often an
/// address is asked for, it receives a bounded number of emails (<see cref="EmailAllowance"/>),
/// and links already sent stay usable, so nobody can lock its owner out.
/// </summary>
public sealed class SignInLinks(
    PeopleStore people,
    ActionTokens tokens,
    IEmailSender email,
    ILocalizer localizer,
    IAuditLog audit,
    EmailAllowance allowance,
    IOptions<AuthOptions> options,
    IOptions<RateLimitOptions> limits,
    TimeProvider time,
    ILogger<SignInLinks> logger)
{
    public const string Purpose = "sign-in";

    private readonly Channel<QueuedRequest> _queue = Channel.CreateBounded<QueuedRequest>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });
    private int _pending;

    /// <summary>Requests queued or being handled (tests wait for zero).</summary>
    public int Pending => Volatile.Read(ref _pending);

    internal ChannelReader<QueuedRequest> Queued => _queue.Reader;

    /// <summary>Queues a request for a sign-in link; the same few steps whatever the address.</summary>
    public async Task RequestAsync(string address, string? language, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pending);
        try
        {
            await _queue.Writer.WriteAsync(new QueuedRequest(address, language), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }
    }

    internal void Handled() => Interlocked.Decrement(ref _pending);

    /// <summary>Looks the address up and, if it is registered and within its allowance, emails a new link.</summary>
    public async Task SendAsync(string address, string? language, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var person = await people.FindByEmailAsync(address, cancellationToken);
        if (IsFirstAdmin(address))
        {
            person = await EnsureFirstAdminAsync(person, address, language, cancellationToken);
        }

        if (person is null)
        {
            logger.LogInformation("Sign-in requested for an unregistered address; no email sent");
            return;
        }

        var limit = limits.Value;
        if (!allowance.TryTake(Purpose, person.Email, limit.SignInEmailsPerAddress, limit.SignInEmailWindow, settings.SignInLinkLifetime))
        {
            logger.LogInformation("Sign-in link not sent again: the address has had its allowance and holds a link that still works");
            return;
        }

        var token = await tokens.IssueAsync(Purpose, person.Id, settings.SignInLinkLifetime, cancellationToken);
        var message = LocalizedEmail.Compose(
            localizer,
            "email.signIn",
            person.PreferredLanguage,
            $"sign-in/{person.Id}/{SecureToken.Hash(token)[..16]}",
            person.Email,
            person.Name,
            settings.Link("/sign-in/complete#token=" + token),
            (int)settings.SignInLinkLifetime.TotalMinutes);
        await email.SendAsync(message, cancellationToken);
    }

    internal sealed record QueuedRequest(string Address, string? Language);

    private bool IsFirstAdmin(string address) =>
        options.Value.FirstAdminEmail is { Length: > 0 } admin
        && string.Equals(PeopleStore.NormalizeEmail(admin), PeopleStore.NormalizeEmail(address), StringComparison.Ordinal);

    private async Task<PersonEntity?> EnsureFirstAdminAsync(PersonEntity? person, string address, string? language, CancellationToken cancellationToken)
    {
        if (person is null)
        {
            var now = time.GetUtcNow();
            person = new PersonEntity
            {
                Id = Guid.NewGuid().ToString("N"),
                Name = address.Split('@')[0],
                Email = PeopleStore.NormalizeEmail(address),
                PreferredLanguage = Languages.Normalize(language),
                CreatedAt = now,
                UpdatedAt = now,
            };
            person.SetRoles([Roles.Admin, Roles.Member]);
            var created = await people.CreateAsync(person, cancellationToken);
            if (created != WriteOutcome.Done)
            {
                // Two first sign-ins at once: the other one registered the admin.
                return await people.FindByEmailAsync(address, cancellationToken);
            }

            await audit.RecordAsync(new AuditRecord("person", person.Id, "created", After: person.ToAudit()) { Actor = "system:first-admin" }, cancellationToken);
            return person;
        }

        if (person.RoleList.Contains(Roles.Admin))
        {
            return person;
        }

        var before = person.ToAudit();
        person.SetRoles([.. person.RoleList, Roles.Admin]);
        person.UpdatedAt = time.GetUtcNow();
        if (await people.UpdateAsync(person, person.Email, person.ETag, cancellationToken) == WriteOutcome.Done)
        {
            await audit.RecordAsync(new AuditRecord("person", person.Id, "role-granted", before, person.ToAudit()) { Actor = "system:first-admin" }, cancellationToken);
        }

        return person;
    }
}
