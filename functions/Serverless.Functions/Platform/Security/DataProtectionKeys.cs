using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Serverless.Functions.Platform.Storage;

namespace Serverless.Functions.Platform.Security;

/// <summary>
/// The data-protection key ring (it signs the session and antiforgery cookies) lives in one blob of
/// the app's storage account, so every instance and every restart reads the same keys: a cookie
/// issued by one instance is accepted by the next. Without this each process made its own keys in
/// its home folder, and a scale-out or a new deployment signed everyone out.
/// </summary>
public static class DataProtectionKeys
{
    public const string Container = "data-protection";
    public const string BlobName = "keys.xml";

    public static IHostApplicationBuilder AddDataProtectionKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName("innovation-network");
        builder.Services.AddSingleton<BlobXmlRepository>();
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = sp.GetRequiredService<BlobXmlRepository>()));

        // The framework warns "No XML encryptor configured" when it writes a key that no key-encryption
        // key protects. Its encryptors need a certificate or Key Vault (whose packages this project
        // cannot restore yet); the keys are in the storage account, readable only by the app's
        // identity. That is said once, at start, instead of the warning at every new key.
        builder.Logging.AddFilter(typeof(XmlKeyManager).FullName, LogLevel.Error);
        return builder;
    }

    /// <summary>Says where the keys are, once, at start.</summary>
    public static void LogDataProtectionKeys(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataProtectionKeys)).LogInformation(
            "Data-protection keys are kept in blob {Container}/{Blob} of the app's storage account, shared by every instance; they are not encrypted at rest by a key-encryption key",
            Container,
            BlobName);
}

/// <summary>
/// Keeps every key element in one XML blob. A new key is appended with an ETag-conditional write,
/// so two instances creating keys at once both keep theirs.
/// </summary>
public sealed class BlobXmlRepository(StorageClients storage) : IXmlRepository
{
    private BlobClient Blob => storage.Blobs.GetBlobContainerClient(DataProtectionKeys.Container).GetBlobClient(DataProtectionKeys.BlobName);

    public IReadOnlyCollection<XElement> GetAllElements() => Read().Document?.Root?.Elements().ToList() ?? [];

    public void StoreElement(XElement element, string friendlyName)
    {
        storage.Blobs.GetBlobContainerClient(DataProtectionKeys.Container).CreateIfNotExists();
        for (var attempt = 0; ; attempt++)
        {
            var (document, etag) = Read();
            document ??= new XDocument(new XElement("repository"));
            document.Root!.Add(new XElement(element));
            var conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                Blob.Upload(BinaryData.FromString(document.ToString(SaveOptions.DisableFormatting)), new BlobUploadOptions { Conditions = conditions });
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another instance wrote a key meanwhile: read again and add this one to theirs.
            }
        }
    }

    private (XDocument? Document, ETag? ETag) Read()
    {
        try
        {
            var content = Blob.DownloadContent().Value;
            return (XDocument.Parse(content.Content.ToString()), content.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (null, null);
        }
    }
}
