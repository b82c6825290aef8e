using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Nominations;
using Serverless.Functions.Platform.Security;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Nominations;

[Collection(StackCollection.Name)]
public sealed class NominationsApiTests(StackFixture stack)
{
    [Fact]
    public async Task CreateCall_BadInput_Returns400NamingFieldsAndWritesNothing()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        using var member = await factory.SignedInAsAsync();
        var id = "bad-" + Guid.NewGuid().ToString("N")[..8];

        using var bad = await admin.PostAsJsonAsync("/api/nominations/calls", new
        {
            id,
            titles = new Dictionary<string, string> { ["xx"] = "Title" },
            opensAt = DateTimeOffset.UtcNow,
            closesAt = DateTimeOffset.UtcNow.AddDays(-1),
            scaleMax = 50,
            criteria = new object[] { new { id = "Bad Id", labels = new Dictionary<string, string> { ["en"] = "x" }, weight = -1 } },
            reviewers = new[] { "nobody-" + id },
            reviewsPerNomination = 0,
            threshold = 150,
        });
        using var forbidden = await member.PostAsJsonAsync("/api/nominations/calls", NominationTestHost.CallBody([]));
        using var missing = await admin.GetAsync($"/api/nominations/calls/{id}");

        var errors = (await bad.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["closesAt", "criteria[0].id", "criteria[0].weight", "reviewDeadline", "reviewers", "reviewsPerNomination", "scaleMax", "threshold", "titles.xx"], errors);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Nomination_DraftThenSubmit_SavesSubmitsAndEmailsConfirmation()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        var (_, person, nominator) = await NominationTestHost.NominatorAsync(factory, PortalTestHost.UniqueEmail("nominator"));

        using var draft = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", new { title = "Paperless permits" });
        var created = await draft.Content.ReadFromJsonAsync<JsonElement>();
        var nominationId = created.GetProperty("id").GetString()!;
        var mineDraft = await nominator.GetFromJsonAsync<JsonElement>("/api/nominations/mine");
        using var submit = await nominator.PutAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{nominationId}", NominationTestHost.NominationBody(submit: true, title: "Paperless permits"));
        var submitted = await submit.Content.ReadFromJsonAsync<JsonElement>();
        using var again = await nominator.PutAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{nominationId}", NominationTestHost.NominationBody(submit: true, title: "Changed later"));
        var mail = await stack.Mail.WaitForMessagesToAsync(person.Email, 1, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.Created, draft.StatusCode);
        Assert.Equal("draft", created.GetProperty("status").GetString());
        Assert.Equal("draft", mineDraft.EnumerateArray().Single(n => n.GetProperty("id").GetString() == nominationId).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        Assert.Equal("Cut waiting times at service counters by half within a year.", submitted.GetProperty("goals").GetString());
        Assert.Equal("nom_already_submitted", (await again.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal("Nomination received: Paperless permits", Assert.Single(mail).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Submit_IncompleteOrOversized_Returns400NamingFieldsAndSavesNothing()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);

        using var incomplete = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", new { title = "Only a title", goals = "  ", submit = true });
        using var oversized = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", new { title = new string('x', 201), team = new string('y', 2001) });
        var mine = await nominator.GetFromJsonAsync<JsonElement>("/api/nominations/mine");

        Assert.Equal(["expectedImpact", "feasibility", "goals", "team"], (await incomplete.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["team", "title"], (await oversized.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Empty(mine.EnumerateArray());
    }

    [Fact]
    public async Task Submit_AfterCallCloses_RefusedClearlyAndNothingSaved()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        using var draft = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", new { title = "Late idea" });
        var nominationId = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var closed = await admin.PostAsync($"/api/nominations/calls/{callId}/review", null);

        using var late = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", NominationTestHost.NominationBody(submit: true));
        using var lateUpdate = await nominator.PutAsJsonAsync($"/api/nominations/calls/{callId}/nominations/{nominationId}", NominationTestHost.NominationBody(submit: true));
        var call = await nominator.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{callId}");
        var mine = await nominator.GetFromJsonAsync<JsonElement>("/api/nominations/mine");

        Assert.Equal(HttpStatusCode.Accepted, closed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        var problem = await late.ProblemAsync();
        Assert.Equal("nom_call_closed", problem.GetProperty("code").GetString());
        Assert.Contains("closed", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("nom_call_closed", (await lateUpdate.ProblemAsync()).GetProperty("code").GetString());
        Assert.False(call.GetProperty("isOpen").GetBoolean());
        Assert.Equal("draft", Assert.Single(mine.EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Attachment_DisallowedTypeOrSize_RefusedBeforeAnythingIsStored()
    {
        await using var factory = NominationTestHost.Create(stack, null, ("Nominations:MaxAttachmentBytes", "1024"));
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        using var draft = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", new { title = "With files" });
        var nominationId = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var url = $"/api/nominations/calls/{callId}/nominations/{nominationId}/attachments";

        using var exe = await nominator.PostAsync(url + "?fileName=setup.exe", Bytes(100));
        using var html = await nominator.PostAsync(url + "?fileName=page.html", Bytes(100));
        using var big = await nominator.PostAsync(url + "?fileName=plan.pdf", Bytes(2048));
        using var noName = await nominator.PostAsync(url, Bytes(100));
        var nomination = await nominator.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{callId}/nominations/{nominationId}");

        Assert.Equal("file", (await exe.ProblemAsync()).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("file", (await html.ProblemAsync()).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("file", (await big.ProblemAsync()).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Equal("fileName", (await noName.ProblemAsync()).GetProperty("errors").EnumerateObject().Single().Name);
        Assert.Empty(nomination.GetProperty("attachments").EnumerateArray());
        Assert.Empty(await BlobsAsync(factory, callId, nominationId));
    }

    [Fact]
    public async Task Attachment_Uploaded_IsAlwaysDownloadedNeverRenderedAndOnlyByTheOrganisation()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        var (_, _, stranger) = await NominationTestHost.NominatorAsync(factory);
        using var draft = await nominator.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", new { title = "With a plan" });
        var nominationId = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var content = "<html><script>alert(1)</script></html>"u8.ToArray();

        using var upload = await nominator.PostAsync($"/api/nominations/calls/{callId}/nominations/{nominationId}/attachments?fileName=plan%202031.png", new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("text/html") } });
        var attachment = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attachments").EnumerateArray().Single();
        var fileUrl = $"/api/nominations/calls/{callId}/nominations/{nominationId}/attachments/{attachment.GetProperty("id").GetString()}";
        using var download = await nominator.GetAsync(fileUrl);
        using var strangerDownload = await stranger.GetAsync(fileUrl);
        using var strangerRead = await stranger.GetAsync($"/api/nominations/calls/{callId}/nominations/{nominationId}");

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        Assert.Equal("image/png", attachment.GetProperty("contentType").GetString());
        Assert.Equal(content.Length, attachment.GetProperty("size").GetInt64());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, strangerDownload.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, strangerRead.StatusCode);
    }

    [Fact]
    public async Task CreateNomination_PersonWithoutOrganisation_RefusedWithCode()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        using var loner = await factory.SignedInAsAsync();

        using var response = await loner.PostAsJsonAsync($"/api/nominations/calls/{callId}/nominations", NominationTestHost.NominationBody());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("nom_no_organisation", (await response.ProblemAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BadBodies_MalformedOrWrongTypes_Return400NeverA500()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        var (_, _, nominator) = await NominationTestHost.NominatorAsync(factory);
        using var client = await factory.ClientAsync();

        using var malformed = await nominator.PostAsync($"/api/nominations/calls/{callId}/nominations", new StringContent("{\"title\": ", Encoding.UTF8, "application/json"));
        using var wrongType = await nominator.PostAsync($"/api/nominations/calls/{callId}/nominations", new StringContent("{\"title\": 42, \"submit\": \"yes\"}", Encoding.UTF8, "application/json"));
        using var badCall = await admin.PostAsync("/api/nominations/calls", new StringContent("{\"criteria\": [null], \"reviewers\": [\"a|b\"], \"declaredConflicts\": {\"x\": null}}", Encoding.UTF8, "application/json"));
        using var badDecision = await admin.PostAsync($"/api/nominations/calls/{callId}/nominations/nope/decision", new StringContent("[]", Encoding.UTF8, "application/json"));
        using var reviewRequest = NominationTestHost.WithToken(HttpMethod.Post, "/api/nominations/review", SecureToken.Create());
        reviewRequest.Content = new StringContent("{\"scores\": {\"clarity\": \"five\"}}", Encoding.UTF8, "application/json");
        using var badReview = await client.SendAsync(reviewRequest);
        using var badKey = await nominator.GetAsync($"/api/nominations/calls/{callId}/nominations/a%7Cb");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCall.StatusCode);
        Assert.Contains("criteria[0]", (await badCall.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.True(badDecision.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, badDecision.StatusCode.ToString());
        Assert.True(badReview.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, badReview.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.NotFound, badKey.StatusCode);
        Assert.Empty((await nominator.GetFromJsonAsync<JsonElement>("/api/nominations/mine")).EnumerateArray());
    }

    [Fact]
    public async Task UpdateCall_StaleOrMalformedETag_Returns412AndKeepsTheCall()
    {
        await using var factory = NominationTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var callId = await NominationTestHost.CreateCallAsync(admin, NominationTestHost.CallBody([]));
        using var read = await admin.GetAsync($"/api/nominations/calls/{callId}");
        var etag = read.Headers.ETag!.ToString();

        using var first = new HttpRequestMessage(HttpMethod.Put, $"/api/nominations/calls/{callId}") { Content = JsonContent.Create(NominationTestHost.CallBody([], perNomination: 4)) };
        first.Headers.TryAddWithoutValidation("If-Match", etag);
        using var updated = await admin.SendAsync(first);
        using var second = new HttpRequestMessage(HttpMethod.Put, $"/api/nominations/calls/{callId}") { Content = JsonContent.Create(NominationTestHost.CallBody([], perNomination: 7)) };
        second.Headers.TryAddWithoutValidation("If-Match", etag);
        using var stale = await admin.SendAsync(second);
        using var third = new HttpRequestMessage(HttpMethod.Put, $"/api/nominations/calls/{callId}") { Content = JsonContent.Create(NominationTestHost.CallBody([], perNomination: 8)) };
        third.Headers.TryAddWithoutValidation("If-Match", "\"not-an-etag\"");
        using var garbage = await admin.SendAsync(third);
        var call = await admin.GetFromJsonAsync<JsonElement>($"/api/nominations/calls/{callId}");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, garbage.StatusCode);
        Assert.Equal(4, call.GetProperty("reviewsPerNomination").GetInt32());
    }

    private static ByteArrayContent Bytes(int length) => new(Encoding.ASCII.GetBytes(new string('a', length)));

    private static async Task<List<string>> BlobsAsync(PlatformFactory factory, string callId, string nominationId)
    {
        var container = await factory.Services.GetRequiredService<NominationStore>().ContainerAsync(default);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{callId}/{nominationId}/", default))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
