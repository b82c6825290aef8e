using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Serverless.Functions.Tests.Identity;

namespace Serverless.Functions.Tests.Registry;

[Collection(StackCollection.Name)]
public sealed class PeopleImportTests(StackFixture stack)
{
    private const string Header = "name,email,organisationId,networkRole,preferredLanguage,consentGivenAt,consentTextVersion";

    [Fact]
    public async Task Preview_WrongColumns_OneErrorNamingMissingAndUnknownColumns()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.SignedInAsAsync("coordinator");

        using var response = await client.PostAsync("/api/registry/people/import/preview", Csv("name,e-mail,organisationId,networkRole,preferredLanguage,consentGivenAt,consentTextVersion\nAnna,anna@x.gov,org,,pl,,\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = Assert.Single((await response.ProblemAsync()).GetProperty("errors").GetProperty("file").EnumerateArray()).GetString()!;
        Assert.Contains("missing column email", message, StringComparison.Ordinal);
        Assert.Contains("unknown column e-mail", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_InvalidUtf8_ClearMessageAndNothingKept()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.SignedInAsAsync("coordinator");
        var latin1 = Encoding.Latin1.GetBytes(Header + "\nMaria Wójcik,maria@x.gov,org,,pl,,\n");
        using var content = new ByteArrayContent(latin1);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        using var response = await client.PostAsync("/api/registry/people/import/preview", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.ProblemAsync()).GetProperty("errors").GetProperty("file")[0].GetString()!;
        Assert.Contains("not UTF-8", message, StringComparison.Ordinal);
        Assert.Contains("line 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviewAndConfirm_BadRowsReportedRowByRowNothingImported_ThenFixedFileImportsOnce()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        var taken = await factory.SeedPersonAsync(organisationId: org.Id);
        using var client = await factory.SignedInAsAsync("coordinator");
        var a = PortalTestHost.UniqueEmail("a");
        var b = PortalTestHost.UniqueEmail("b");
        var bad = string.Join('\n',
            Header,
            $"Anna Kowalska,{a},{org.Id},participant,pl,2025-03-14,v1",
            $"\"Nowak, Jan\",{a.ToUpperInvariant()},{org.Id},,pl,,",
            $"Existing,{taken.Email},{org.Id},,en,,",
            $"No Email,not-an-email,{org.Id},,en,,",
            $"Unknown Org,{b},no-such-org,,xx,yesterday,v1");

        using var preview = await client.PostAsync("/api/registry/people/import/preview", Csv(bad));
        var body = await preview.Content.ReadFromJsonAsync<JsonElement>();
        var importId = body.GetProperty("importId").GetString();
        using var refused = await client.PostAsync($"/api/registry/people/import/{importId}/confirm", null);
        var afterRefusal = await client.GetFromJsonAsync<JsonElement>($"/api/registry/people?q={a}");

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(1, body.GetProperty("validCount").GetInt32());
        Assert.Equal(4, body.GetProperty("errorCount").GetInt32());
        var rows = body.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("line").GetInt32(), r => r.GetProperty("errors").EnumerateArray().Select(e => (Field: e.GetProperty("field").GetString(), Message: e.GetProperty("message").GetString()!)).ToList());
        Assert.Empty(rows[2]);
        Assert.Contains(rows[3], e => e.Field == "email" && e.Message.Contains("line 2", StringComparison.Ordinal));
        Assert.Contains(rows[4], e => e.Field == "email" && e.Message.Contains("already registered", StringComparison.Ordinal));
        Assert.Contains(rows[5], e => e.Field == "email");
        Assert.Equal(["consentGivenAt", "organisationId", "preferredLanguage"], rows[6].Select(e => e.Field).Order());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("import_has_errors", (await refused.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(0, afterRefusal.GetProperty("total").GetInt32());

        var fixedFile = string.Join("\r\n",
            Header,
            $"Anna Kowalska,{a},{org.Id},participant,pl,2025-03-14,v1",
            $"\"Nowak, Jan\",{b},{org.Id},,pl,,");
        using var fixedPreview = await client.PostAsync("/api/registry/people/import/preview", Csv(fixedFile));
        var fixedId = (await fixedPreview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetString();
        using var confirmed = await client.PostAsync($"/api/registry/people/import/{fixedId}/confirm", null);
        using var confirmedAgain = await client.PostAsync($"/api/registry/people/import/{fixedId}/confirm", null);
        var imported = await client.GetFromJsonAsync<JsonElement>($"/api/registry/people?organisationId={org.Id}&sort=name");

        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(2, (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        Assert.Equal(HttpStatusCode.OK, confirmedAgain.StatusCode);
        Assert.Equal(2, (await confirmedAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        Assert.Equal(["Anna Kowalska", "Nowak, Jan", "Test Person"], imported.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("v1", imported.GetProperty("items")[0].GetProperty("consent").GetProperty("textVersion").GetString());
    }

    [Fact]
    public async Task Preview_MultipartUpload_IsAccepted()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        using var client = await factory.SignedInAsAsync("admin");
        using var form = new MultipartFormDataContent();
        using var file = new ByteArrayContent(Encoding.UTF8.GetBytes($"{Header}\nΕλένη Παπαδοπούλου,{PortalTestHost.UniqueEmail("eleni")},{org.Id},,el,,\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");

        using var response = await client.PostAsync("/api/registry/people/import/preview", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("validCount").GetInt32());
    }

    [Fact]
    public async Task Export_ArabicAndGreekNames_RoundTripThroughUtf8WithBom()
    {
        await using var factory = PortalTestHost.Create(stack);
        var org = await factory.SeedOrganisationAsync();
        var arabic = await factory.SeedPersonAsync(name: "مريم الفلاسي", language: "ar", organisationId: org.Id);
        var greek = await factory.SeedPersonAsync(name: "=Ελένη, \"Παπαδοπούλου\"", language: "el", organisationId: org.Id);
        using var client = await factory.SignedInAsAsync("coordinator");

        using var response = await client.GetAsync("/api/registry/people.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var (records, error) = Serverless.Functions.Platform.Files.Csv.Read(Encoding.UTF8.GetString(bytes[3..]));
        Assert.Null(error);
        Assert.Equal(Header, string.Join(',', records[0].Fields));
        var byEmail = records.Skip(1).ToDictionary(r => r.Fields[1], r => r.Fields[0]);
        Assert.Equal("مريم الفلاسي", byEmail[arabic.Email]);
        Assert.Equal("=Ελένη, \"Παπαδοπούλου\"", byEmail[greek.Email]);
        Assert.Contains("\"'=Ελένη", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preview_ByMember_Returns403()
    {
        await using var factory = PortalTestHost.Create(stack);
        using var client = await factory.SignedInAsAsync();

        using var response = await client.PostAsync("/api/registry/people/import/preview", Csv(Header + "\n"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");
}
