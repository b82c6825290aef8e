using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Tests.Identity;

/// <summary>Two processes on one storage account: what one ends, the other stops trusting within RecheckAfter.</summary>
[Collection(StackCollection.Name)]
public sealed class SessionStoreTests(StackFixture stack)
{
    private static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task EndAsync_InAnotherProcess_ThisProcessStopsTrustingTheSessionWithinRecheckAfter()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = Process(time);
        var second = Process(time);
        var person = Guid.NewGuid().ToString("N");
        var session = await first.StartAsync(person, TimeSpan.FromHours(8), default);
        first.Remember(person, session, first.Generation(person), new ClaimsPrincipal(new ClaimsIdentity("portal")));

        await second.EndAsync(person, session, default);
        var trustedJustBefore = first.Recall(person, session) is not null;
        time.Advance(RecheckAfter);
        var trustedAfter = first.Recall(person, session) is not null;
        var activeOnRecheck = await first.IsActiveAsync(person, session, default);

        Assert.True(trustedJustBefore);
        Assert.False(trustedAfter);
        Assert.False(activeOnRecheck);
    }

    [Fact]
    public async Task Forget_InThisProcess_DropsTheCachedSessionAtOnceAndKeepsAReadStartedBeforeFromBeingCached()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = Process(time);
        var person = Guid.NewGuid().ToString("N");
        var session = await store.StartAsync(person, TimeSpan.FromHours(8), default);
        store.Remember(person, session, store.Generation(person), new ClaimsPrincipal(new ClaimsIdentity("portal")));

        var generationOfARead = store.Generation(person);
        store.Forget(person);
        var recalledAfterForget = store.Recall(person, session);
        store.Remember(person, session, generationOfARead, new ClaimsPrincipal(new ClaimsIdentity("portal")));

        Assert.Null(recalledAfterForget);
        Assert.Null(store.Recall(person, session));
    }

    [Fact]
    public async Task StartAsync_ExpiredSessionOfThePerson_IsNoLongerActive()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = Process(time);
        var person = Guid.NewGuid().ToString("N");
        var old = await store.StartAsync(person, TimeSpan.FromMinutes(1), default);

        time.Advance(TimeSpan.FromMinutes(2));
        var fresh = await store.StartAsync(person, TimeSpan.FromMinutes(1), default);

        Assert.False(await store.IsActiveAsync(person, old, default));
        Assert.True(await store.IsActiveAsync(person, fresh, default));
    }

    private SessionStore Process(TimeProvider time) => new(
        new StorageClients(Options.Create(new StorageOptions { ConnectionString = stack.Storage.ConnectionString }), NullLogger<StorageClients>.Instance),
        time,
        Options.Create(new SessionOptions { RecheckAfter = RecheckAfter }));
}
