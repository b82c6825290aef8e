namespace Serverless.Functions.Platform.Storage;

public static class StorageExtensions
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<StorageOptions>(builder.Configuration.GetSection(StorageOptions.SectionName));
        builder.Services.AddSingleton<StorageClients>();
        builder.Services.AddHealthChecks()
            .Add(new("tables", sp => new StorageHealthCheck(sp.GetRequiredService<StorageClients>(), StorageService.Tables), null, ["storage"]))
            .Add(new("queues", sp => new StorageHealthCheck(sp.GetRequiredService<StorageClients>(), StorageService.Queues), null, ["storage"]))
            .Add(new("blobs", sp => new StorageHealthCheck(sp.GetRequiredService<StorageClients>(), StorageService.Blobs), null, ["storage"]));
        return builder;
    }
}
