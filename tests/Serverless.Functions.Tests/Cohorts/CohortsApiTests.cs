using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Cohorts;

[Collection(StackCollection.Name)]
public sealed class CohortsApiTests(StackFixture stack)
{
    [Fact]
    public async Task CreateCohort_FullSettings_ReadBackWithBudgetTotalsQuotasAndPeople()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var manager = await factory.SeedPersonAsync(name: "Piotr Wiśniewski", language: "pl");
        var org = await factory.SeedOrganisationAsync();
        using var programme = await admin.PostAsJsonAsync("/api/cohorts/programmes", new { name = "Synergia", description = "Peer learning in editions." });
        var programmeId = (await programme.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var created = await admin.PostAsJsonAsync("/api/cohorts", new
        {
            programmeId,
            name = "Edycja 2027",
            startDate = "2027-02-01",
            endDate = "2027-06-30",
            capacity = 30,
            coordinatorId = coordinator.Id,
            managerIds = new[] { manager.Id },
            steeringCommittee = new[] { new { name = "Magdalena Wójcik", role = "Ministry of Digital Affairs" } },
            organisations = new[] { new { organisationId = org.Id, quota = 10 } },
            budget = new[] { new { label = "Workshops", planned = 1000.50m, spent = 250.25m }, new { label = "Study visit", planned = 3000m, spent = 3100m } },
            currency = "PLN",
        });
        var cohort = await created.Content.ReadFromJsonAsync<JsonElement>();
        var read = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohort.GetProperty("id").GetString()}");
        var list = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts?programmeId={programmeId}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Synergia", read.GetProperty("programmeName").GetString());
        Assert.Equal(30, read.GetProperty("capacity").GetInt32());
        Assert.Equal("יוסי לוי", read.GetProperty("coordinator").GetProperty("name").GetString());
        Assert.Equal("Piotr Wiśniewski", read.GetProperty("managers")[0].GetProperty("name").GetString());
        Assert.Equal("Magdalena Wójcik", read.GetProperty("steeringCommittee")[0].GetProperty("name").GetString());
        Assert.Equal((10, 0), (read.GetProperty("organisations")[0].GetProperty("quota").GetInt32(), read.GetProperty("organisations")[0].GetProperty("used").GetInt32()));
        Assert.Equal((4000.50m, 3350.25m, 650.25m), (read.GetProperty("budgetTotals").GetProperty("planned").GetDecimal(), read.GetProperty("budgetTotals").GetProperty("spent").GetDecimal(), read.GetProperty("budgetTotals").GetProperty("remaining").GetDecimal()));
        Assert.Equal("PLN", read.GetProperty("currency").GetString());
        Assert.Single(list.EnumerateArray());
    }

    [Fact]
    public async Task CreateCohort_BadInput_Returns400NamingFieldsAndWritesNothing()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        using var member = await factory.SignedInAsAsync();
        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/cohorts")).GetArrayLength();

        using var bad = await admin.PostAsJsonAsync("/api/cohorts", new
        {
            programmeId = "no-such-programme",
            name = "",
            startDate = "2027-07-01",
            endDate = "2027-01-01",
            capacity = 0,
            coordinatorId = "nobody",
            organisations = new[] { new { organisationId = "no-such-org", quota = 5 } },
            budget = new[] { new { label = "Travel", planned = -1m, spent = 0m } },
            currency = "euro",
        });
        using var forbidden = await member.PostAsJsonAsync("/api/cohorts/programmes", new { name = "x" });
        using var malformed = await admin.PostAsync("/api/cohorts", new StringContent("{\"capacity\": \"forty\", \"organisations\": [null]}", System.Text.Encoding.UTF8, "application/json"));
        using var nulls = await admin.PostAsJsonAsync("/api/cohorts", new { organisations = new object?[] { null }, budget = new object?[] { null }, steeringCommittee = new object?[] { null }, managerIds = new string?[] { null } });
        using var badProgramme = await admin.PostAsJsonAsync("/api/cohorts/programmes", new { name = " " });
        var cohorts = await admin.GetFromJsonAsync<JsonElement>("/api/cohorts");

        var fields = (await bad.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["budget[0].planned", "capacity", "coordinatorId", "currency", "endDate", "name", "organisations[0].organisationId", "organisations[0].quota", "programmeId"], fields);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var nullFields = (await nulls.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("organisations", nullFields);
        Assert.Contains("budget[0].label", nullFields);
        Assert.Contains("steeringCommittee[0].name", nullFields);
        Assert.True((await badProgramme.ProblemAsync()).GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(before, cohorts.GetArrayLength());
    }

    [Fact]
    public async Task SetStatus_QuotaThenCapacity_RefusedWithClearMessageAndNothingChanged()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var org = await factory.SeedOrganisationAsync();
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id, capacity: 2, organisations: [new { organisationId = org.Id, quota = 1 }]);
        var csv = $"email,name,language,organisationId\nola@{org.Id}.gov.example,Ola,pl,{org.Id}\njan@{org.Id}.gov.example,Jan,pl,{org.Id}\nmaria@x.gov.example,Μαρία,el,\nnoa@y.gov.example,נועה,he,\n";
        using var imported = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/candidates/import", new { csv });
        var ids = (await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/candidates")).EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("personId").GetString()!);

        async Task<HttpResponseMessage> Accept(string name) => await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{ids[name]}/status", new { status = "accepted" });
        using var ola = await Accept("Ola");
        using var jan = await Accept("Jan");
        using var maria = await Accept("Μαρία");
        using var noa = await Accept("נועה");
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");
        var statuses = (await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/candidates")).EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ola.StatusCode);
        var quota = await jan.ProblemAsync();
        Assert.Equal(HttpStatusCode.BadRequest, jan.StatusCode);
        Assert.Equal("quota_full", quota.GetProperty("code").GetString());
        Assert.Contains("1 of 1", quota.GetProperty("errors").GetProperty("status")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, maria.StatusCode);
        var full = await noa.ProblemAsync();
        Assert.Equal("cohort_full", full.GetProperty("code").GetString());
        Assert.Equal("The cohort is full.", full.GetProperty("title").GetString());
        Assert.Equal(2, cohort.GetProperty("seatsTaken").GetInt32());
        Assert.Equal(1, cohort.GetProperty("organisations")[0].GetProperty("used").GetInt32());
        Assert.Equal("proposed", statuses["Jan"]);
        Assert.Equal("proposed", statuses["נועה"]);
    }

    [Fact]
    public async Task SetStatus_ConcurrentAccepts_NeverExceedCapacity()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id, capacity: 3);
        var domain = $"r{Guid.NewGuid():N}"[..10] + ".gov.example";
        var csv = "email\n" + string.Concat(Enumerable.Range(0, 8).Select(i => $"p{i}@{domain}\n"));
        (await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/candidates/import", new { csv })).EnsureSuccessStatusCode();
        var ids = (await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/candidates")).EnumerateArray().Select(c => c.GetProperty("personId").GetString()!).ToList();

        var results = await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{id}/status", new { status = "accepted" });
            return response.StatusCode;
        }));
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");

        Assert.Equal(3, results.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(5, results.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(3, cohort.GetProperty("seatsTaken").GetInt32());
        Assert.Equal(3, cohort.GetProperty("counts").GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task UpdateCohort_CapacityCutWhileCandidatesAreAccepted_SeatsNeverExceedTheCapacity()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id, capacity: 10);
        var domain = $"l{Guid.NewGuid():N}"[..10] + ".gov.example";
        await CohortTestHost.AcceptAsync(admin, cohortId, [.. Enumerable.Range(0, 5).Select(i => $"first{i}@{domain}")]);
        var csv = "email\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"late{i}@{domain}\n"));
        (await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/candidates/import", new { csv })).EnsureSuccessStatusCode();
        var proposed = (await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/candidates")).EnumerateArray().Where(c => c.GetProperty("status").GetString() == "proposed").Select(c => c.GetProperty("personId").GetString()!).ToList();
        var programmeId = (await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}")).GetProperty("programmeId").GetString()!;

        var cut = Task.Run(async () =>
        {
            using var response = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}", CohortTestHost.CohortBody(programmeId, coordinator.Id, capacity: 6));
            return response.StatusCode;
        });
        var accepts = proposed.Select(async id =>
        {
            using var response = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{id}/status", new { status = "accepted" });
            return response.StatusCode;
        }).ToList();
        var cutStatus = await cut;
        await Task.WhenAll(accepts);
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");

        Assert.Contains(cutStatus, new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest });
        Assert.True(cohort.GetProperty("seatsTaken").GetInt32() <= cohort.GetProperty("capacity").GetInt32(), cohort.ToString());
        Assert.Equal(cohort.GetProperty("seatsTaken").GetInt32(), cohort.GetProperty("counts").GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task SetStatus_WithdrawnCandidate_CannotBeAcceptedAndSeatIsFreed()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
        var ids = await CohortTestHost.AcceptAsync(admin, cohortId, [PortalTestHost.UniqueEmail("katarzyna")]);
        var id = ids.Values.Single();

        using var withdrawn = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{id}/status", new { status = "withdrawn" });
        using var accept = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{id}/status", new { status = "accepted" });
        using var unknown = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}/candidates/{id}/status", new { status = "onboarded" });
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");

        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        var problem = await accept.ProblemAsync();
        Assert.Equal("candidate_withdrawn", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal("status_invalid", (await unknown.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(0, cohort.GetProperty("seatsTaken").GetInt32());
        Assert.Equal(1, cohort.GetProperty("counts").GetProperty("withdrawn").GetInt32());
    }

    [Fact]
    public async Task StartOnboarding_NoAcceptedParticipants_Returns400AndStartsNothing()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("coordinator");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
        (await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/candidates", new { email = PortalTestHost.UniqueEmail("proposed"), name = "Only Proposed" })).EnsureSuccessStatusCode();

        using var start = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/onboarding", new { deadline = DateTimeOffset.UtcNow.AddDays(14) });
        var progress = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/onboarding");
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");

        var problem = await start.ProblemAsync();
        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);
        Assert.Equal("no_participants", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("participants", out _));
        Assert.Equal(0, cohort.GetProperty("onboardingRounds").GetInt32());
        Assert.Empty(progress.GetProperty("rounds").EnumerateArray());
        Assert.Equal(0, progress.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ImportCandidates_BadLines_Returns400NamingCsvAndAddsNobody()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);

        using var bad = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/candidates/import", new { csv = "email,name,language,organisationId\nok@example.gov,Ok,en,\nnot-an-address,X,en,\nfine@example.gov,Y,xx,\nalso@example.gov,Z,en,no-such-org\n" });
        using var empty = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/candidates/import", new { csv = "" });
        var candidates = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/candidates");

        var errors = (await bad.ProblemAsync()).GetProperty("errors").GetProperty("csv").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(3, errors.Count);
        Assert.StartsWith("line 3", errors[0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Empty(candidates.EnumerateArray());
    }

    [Fact]
    public async Task ProposalLink_OrganisationProposesThroughIt_CandidateIsProposedForThatOrganisation()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var org = await factory.SeedOrganisationAsync();
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id, organisations: [new { organisationId = org.Id, quota = 5 }]);

        using var notMember = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/proposal-links", new { organisationId = "someone-else" });
        using var issued = await admin.PostAsJsonAsync($"/api/cohorts/{cohortId}/proposal-links", new { organisationId = org.Id, validDays = 14 });
        var token = PortalTestHost.TokenFrom((await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!);
        using var anonymous = await factory.ClientAsync();
        using var pageRequest = CohortTestHost.WithToken(HttpMethod.Get, "/api/cohort-proposal", token);
        using var page = await anonymous.SendAsync(pageRequest);
        using var proposeRequest = CohortTestHost.WithToken(HttpMethod.Post, "/api/cohort-proposal", token, new { name = "Μαρία Γεωργίου", email = $"maria@{org.Id}.gov.example", language = "el" });
        using var proposed = await anonymous.SendAsync(proposeRequest);
        using var badRequest = CohortTestHost.WithToken(HttpMethod.Post, "/api/cohort-proposal", token, new { name = "", email = "nope" });
        using var bad = await anonymous.SendAsync(badRequest);
        using var wrongToken = CohortTestHost.WithToken(HttpMethod.Get, "/api/cohort-proposal", new string('a', 43));
        using var invalid = await anonymous.SendAsync(wrongToken);
        var candidates = (await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}/candidates")).EnumerateArray().ToList();

        Assert.True((await notMember.ProblemAsync()).GetProperty("errors").TryGetProperty("organisationId", out _));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(5, (await page.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quota").GetInt32());
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        Assert.Equal(["email", "name"], (await bad.ProblemAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, invalid.StatusCode);
        var candidate = Assert.Single(candidates);
        Assert.Equal(("proposed", org.Id, "organisation:" + org.Id), (candidate.GetProperty("status").GetString(), candidate.GetProperty("organisationId").GetString(), candidate.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task UpdateCohort_CapacityBelowSeatsOrStaleETag_RefusedAndNothingChanged()
    {
        await using var factory = CohortTestHost.Create(stack);
        using var admin = await factory.SignedInAsAsync("admin");
        var coordinator = await CohortTestHost.SeedCoordinatorAsync(factory);
        var cohortId = await CohortTestHost.CreateCohortAsync(admin, coordinator.Id);
        await CohortTestHost.AcceptAsync(admin, cohortId, [PortalTestHost.UniqueEmail("a"), PortalTestHost.UniqueEmail("b")]);
        var cohort = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");
        var programmeId = cohort.GetProperty("programmeId").GetString()!;

        using var tooSmall = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}", CohortTestHost.CohortBody(programmeId, coordinator.Id, capacity: 1));
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/cohorts/{cohortId}") { Content = JsonContent.Create(CohortTestHost.CohortBody(programmeId, coordinator.Id, capacity: 35)) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"datetime'2020-01-01T00%3A00%3A00.0000000Z'\"");
        using var staleResponse = await admin.SendAsync(stale);
        using var ok = await admin.PutAsJsonAsync($"/api/cohorts/{cohortId}", CohortTestHost.CohortBody(programmeId, coordinator.Id, capacity: 25, name: "Edition 2027 (renamed)"));
        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/cohorts/{cohortId}");

        Assert.True((await tooSmall.ProblemAsync()).GetProperty("errors").TryGetProperty("capacity", out _));
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal((25, "Edition 2027 (renamed)", 2), (after.GetProperty("capacity").GetInt32(), after.GetProperty("name").GetString(), after.GetProperty("seatsTaken").GetInt32()));
    }
}
