using DurableTask.AzureStorage;
using Newtonsoft.Json.Serialization;

namespace Serverless.Functions.Platform.Durable;

/// <summary>
/// The sidecar hands the provider sub-orchestration events whose tags are a protobuf
/// <c>MapField&lt;string, string&gt;</c>; the provider writes queue messages with type names, and
/// that type is not one it will read back, so the message would fail forever. This binder writes
/// any protobuf map as a plain <c>Dictionary&lt;string, string&gt;</c> (and reads one written
/// before as such); every other type binds as Json.NET's default binder does.
/// </summary>
public sealed class ProtobufMapBinder : ICustomTypeBinder
{
    private const string MapField = "Google.Protobuf.Collections.MapField";
    private static readonly Type Plain = typeof(Dictionary<string, string>);
    private readonly DefaultSerializationBinder _default = new();

    public void BindToName(Type serializedType, out string assemblyName, out string typeName)
    {
        var type = serializedType.FullName?.StartsWith(MapField, StringComparison.Ordinal) == true ? Plain : serializedType;
        _default.BindToName(type, out var assembly, out var name);
        assemblyName = assembly!;
        typeName = name!;
    }

    public Type BindToType(string assemblyName, string typeName) =>
        typeName.StartsWith(MapField, StringComparison.Ordinal) ? Plain : _default.BindToType(assemblyName, typeName);
}
