using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Functions.AzureHost;

namespace Serverless.Functions.Tests.AzureHost;

/// <summary>The Azure worker built as the Functions host would start it (not run), on the test stack's storage and mail.</summary>
internal static class AzureHostTestKit
{
    public static IHost Build(StackFixture stack, Action<IServiceCollection>? services = null)
    {
        var builder = FunctionsApp.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = stack.Storage.ConnectionString,
            ["Email:Smtp:Port"] = stack.Mail.SmtpPort.ToString(CultureInfo.InvariantCulture),
            ["Auth:PublicBaseUrl"] = "http://portal.test",
            ["DemoData:Enabled"] = "false",
        });
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public sealed record Answer(int Status, string? ContentType, string Body);

    /// <summary>Calls the HTTP function as the worker does: a request in an HttpContext, the host's client from the binding.</summary>
    public static async Task<Answer> InvokeAsync(this IHost host, DurableTaskClient client, HttpMethod method, string pathAndQuery, string? json = null, string? cookie = null)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var uri = new Uri("http://portal.test" + pathAndQuery);
        context.Request.Method = method.Method;
        context.Request.Scheme = uri.Scheme;
        context.Request.Host = new HostString(uri.Authority);
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = "application/json";
        }

        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        var body = new MemoryStream();
        context.Response.Body = body;
        var function = ActivatorUtilities.CreateInstance<ApiFunction>(scope.ServiceProvider);

        var result = await function.RunAsync(context.Request, client);

        Assert.IsType<EmptyResult>(result);
        return new Answer(context.Response.StatusCode, context.Response.ContentType, Encoding.UTF8.GetString(body.ToArray()));
    }
}
