using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Infrastructure;

/// <summary>
/// One deployment of the template compiled from infra/main.bicep (the root, or a module's nested
/// deployment) with a small evaluator of the ARM expressions in it. Values a deployment alone
/// cannot know (a resource's runtime properties, uniqueString, the caller's parameters) come back
/// as symbols: strings starting with "§" that name where the value comes from, such as
/// "§reference(§resource(Microsoft.ManagedIdentity/userAssignedIdentities/id-api-…)).principalId".
/// Parameters passed to a module are followed into the caller, and a module's outputs into the
/// module, so two settings that come from the same resource evaluate to the same symbol.
/// </summary>
internal sealed class ArmDeployment
{
    public const string SymbolPrefix = "§";

    private const string DeploymentsType = "Microsoft.Resources/deployments";

    private readonly JsonObject _template;
    private readonly ArmDeployment? _parent;
    private readonly JsonObject? _passedParameters;
    private readonly Dictionary<string, JsonNode?> _parameters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, JsonNode?> _variables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<List<ArmResource>> _resources;
    private readonly Lazy<List<ArmDeployment>> _children;

    private ArmDeployment(string name, JsonObject template, ArmDeployment? parent, JsonObject? passedParameters)
    {
        Name = name;
        _template = template;
        _parent = parent;
        _passedParameters = passedParameters;
        _resources = new(ExpandResources);
        _children = new(() => [.. _resources.Value.Where(r => r.Type == DeploymentsType && r.Raw["properties"]?["template"] is JsonObject).Select(NestedDeployment)]);
    }

    public string Name { get; }

    /// <summary>This deployment's resources, a copy loop expanded into one resource per index.</summary>
    public IReadOnlyList<ArmResource> Resources => _resources.Value;

    /// <summary>This deployment and every deployment nested in it, depth first.</summary>
    public IEnumerable<ArmDeployment> AllDeployments => _children.Value.SelectMany(c => c.AllDeployments).Prepend(this);

    public IEnumerable<ArmResource> AllResources => AllDeployments.SelectMany(d => d.Resources);

    /// <summary>Compiles infra/main.bicep with scripts/bicep.sh (the pinned Bicep CLI) and parses its ARM JSON.</summary>
    public static async Task<ArmDeployment> CompileMainAsync()
    {
        var build = await CommandLine.RunAsync("bash", ["scripts/bicep.sh", "build", "infra/main.bicep", "--stdout"], TimeSpan.FromMinutes(5));
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build infra/main.bicep exited with {build.ExitCode}: {build.Errors}");
        }

        var json = build.Output;
        var template = JsonNode.Parse(json) as JsonObject ?? throw new InvalidOperationException("bicep build wrote no JSON object.");
        return new ArmDeployment("main", template, null, null);
    }

    /// <summary>Evaluates a template value here: every "[expression]" string in it, object keys included.</summary>
    public JsonNode? Evaluate(JsonNode? node, int? copyIndex = null) => node switch
    {
        JsonObject obj => EvaluateObject(obj, copyIndex),
        JsonArray array => new JsonArray([.. array.Select(item => Evaluate(item, copyIndex))]),
        JsonValue value when value.TryGetValue<string>(out var text) => EvaluateString(text, copyIndex),
        null => null,
        _ => node.DeepClone(),
    };

    public JsonNode? Output(string name) =>
        _template["outputs"]?[name] is JsonObject output
            ? Evaluate(output["value"])
            : throw new InvalidOperationException($"Deployment {Name} has no output {name}.");

    /// <summary>The text of an evaluated value: a string or symbol as it is, anything else as JSON.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };

    public static bool IsSymbol(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith(SymbolPrefix, StringComparison.Ordinal);

    private static JsonValue Symbol(string text) => JsonValue.Create(SymbolPrefix + text);

    private JsonObject EvaluateObject(JsonObject obj, int? copyIndex)
    {
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            result[Text(EvaluateString(key, copyIndex))] = Evaluate(value, copyIndex);
        }

        return result;
    }

    private JsonNode? EvaluateString(string text, int? copyIndex)
    {
        if (text.StartsWith("[[", StringComparison.Ordinal))
        {
            return JsonValue.Create(text[1..]);
        }

        if (text.Length >= 2 && text[0] == '[' && text[^1] == ']')
        {
            var parser = new ExpressionParser(this, text[1..^1], copyIndex);
            return parser.ParseWhole();
        }

        return JsonValue.Create(text);
    }

    private JsonNode? Parameter(string name)
    {
        if (_parameters.TryGetValue(name, out var cached))
        {
            return cached?.DeepClone();
        }

        JsonNode? value;
        if (_passedParameters?[name] is JsonObject passed)
        {
            // A module's parameters are evaluated in the caller (expressionEvaluationOptions: inner).
            value = passed.ContainsKey("value") ? _parent!.Evaluate(passed["value"]) : Symbol("keyVaultReference(" + name + ")");
        }
        else if (_template["parameters"]?[name] is JsonObject declared)
        {
            value = declared.ContainsKey("defaultValue") ? Evaluate(declared["defaultValue"]) : Symbol("parameter(" + name + ")");
        }
        else
        {
            throw new InvalidOperationException($"Deployment {Name} declares no parameter {name}.");
        }

        _parameters[name] = value;
        return value?.DeepClone();
    }

    private JsonNode? Variable(string name, int? copyIndex)
    {
        if (_variables.TryGetValue(name, out var cached))
        {
            return cached?.DeepClone();
        }

        var variables = _template["variables"] as JsonObject;
        JsonNode? value;
        if (variables?["copy"] is JsonArray loops && loops.OfType<JsonObject>().FirstOrDefault(l => string.Equals(Text(l["name"]), name, StringComparison.OrdinalIgnoreCase)) is { } loop)
        {
            var count = Evaluate(loop["count"], copyIndex)?.GetValue<int>() ?? 0;
            value = new JsonArray([.. Enumerable.Range(0, count).Select(i => Evaluate(loop["input"], i))]);
        }
        else if (variables is not null && variables.TryGetPropertyValue(name, out var declared))
        {
            value = Evaluate(declared);
        }
        else
        {
            throw new InvalidOperationException($"Deployment {Name} declares no variable {name}.");
        }

        _variables[name] = value;
        return value?.DeepClone();
    }

    private List<ArmResource> ExpandResources()
    {
        // languageVersion 2.0 templates keep resources in an object keyed by symbolic name.
        IEnumerable<JsonNode?> raw = _template["resources"] switch
        {
            JsonArray array => array,
            JsonObject obj => obj.Select(p => p.Value),
            _ => [],
        };

        var resources = new List<ArmResource>();
        foreach (var resource in raw.OfType<JsonObject>())
        {
            if (resource["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }

            if (resource["copy"] is JsonObject copy)
            {
                // A count known only when deployed leaves one resource whose copyIndex() is a symbol.
                IEnumerable<int?> indexes = Evaluate(copy["count"]) is JsonValue c && c.TryGetValue<int>(out var count)
                    ? Enumerable.Range(0, count).Select(i => (int?)i)
                    : [null];
                resources.AddRange(indexes.Select(i => new ArmResource(this, resource, i)));
            }
            else
            {
                resources.Add(new ArmResource(this, resource, null));
            }
        }

        return resources;
    }

    private ArmDeployment NestedDeployment(ArmResource resource)
    {
        var properties = (JsonObject)resource.Raw["properties"]!;
        return new ArmDeployment(Text(resource.Evaluate("name")), (JsonObject)properties["template"]!, this, properties["parameters"] as JsonObject);
    }

    private ArmDeployment? Child(string name) => _children.Value.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Recursive descent over ARM's expression grammar: calls, string and number literals, .member and [index].</summary>
    private sealed class ExpressionParser(ArmDeployment deployment, string text, int? copyIndex)
    {
        private int _position;

        public JsonNode? ParseWhole()
        {
            var value = ParseExpression();
            SkipSpace();
            return _position == text.Length ? value : throw Error("unexpected text");
        }

        private JsonNode? ParseExpression()
        {
            var value = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (TryTake('.'))
                {
                    value = Member(value, ParseIdentifier());
                }
                else if (TryTake('['))
                {
                    var index = ParseExpression();
                    Expect(']');
                    value = Index(value, index);
                }
                else
                {
                    return value;
                }
            }
        }

        private JsonNode? ParsePrimary()
        {
            SkipSpace();
            var c = Peek();
            if (c == '\'')
            {
                return JsonValue.Create(ParseString());
            }

            if (char.IsDigit(c) || c == '-')
            {
                var start = _position++;
                while (_position < text.Length && char.IsDigit(text[_position]))
                {
                    _position++;
                }

                return JsonValue.Create(int.Parse(text[start.._position], CultureInfo.InvariantCulture));
            }

            var name = ParseIdentifier();
            Expect('(');
            var arguments = new List<JsonNode?>();
            SkipSpace();
            if (!TryTake(')'))
            {
                do
                {
                    arguments.Add(ParseExpression());
                    SkipSpace();
                }
                while (TryTake(','));
                Expect(')');
            }

            return Call(name, arguments);
        }

        private JsonNode? Call(string name, List<JsonNode?> args)
        {
            string Arg(int i) => Text(args[i]);
            switch (name.ToLowerInvariant())
            {
                case "parameters":
                    return deployment.Parameter(Arg(0));
                case "variables":
                    return deployment.Variable(Arg(0), copyIndex);
                case "copyindex":
                    var offset = args.Count > 0 && args[^1] is JsonValue o && o.TryGetValue<int>(out var n) ? n : 0;
                    return copyIndex is { } index ? JsonValue.Create(index + offset) : Symbol("copyIndex()");
                case "resourceid":
                case "subscriptionresourceid":
                case "tenantresourceid":
                case "extensionresourceid":
                    return ResourceId(args);
                case "reference":
                    return Reference(args[0]);
                case "length" when args[0] is JsonArray or JsonObject:
                    return JsonValue.Create(args[0] is JsonArray items ? items.Count : args[0]!.AsObject().Count);
                case "length" when !args.Any(IsSymbol):
                    return JsonValue.Create(Arg(0).Length);
                case "format":
                    return JsonValue.Create(Format(Arg(0), [.. args.Skip(1).Select(Text)]));
                case "concat" when args.All(a => a is JsonArray):
                    return new JsonArray([.. args.SelectMany(a => a!.AsArray()).Select(a => a?.DeepClone())]);
                case "concat":
                    return JsonValue.Create(string.Concat(args.Select(Text)));
                case "createobject":
                    var created = new JsonObject();
                    for (var i = 0; i + 1 < args.Count; i += 2)
                    {
                        created[Arg(i)] = args[i + 1]?.DeepClone();
                    }

                    return created;
                case "union" when args.All(a => a is JsonObject):
                    var union = new JsonObject();
                    foreach (var (key, value) in args.SelectMany(a => a!.AsObject()))
                    {
                        union[key] = value?.DeepClone();
                    }

                    return union;
                case "if" when args[0] is JsonValue condition && condition.TryGetValue<bool>(out var chosen):
                    return chosen ? args[1] : args[2];
                case "empty" when !args.Any(IsSymbol):
                    return JsonValue.Create(args[0] switch
                    {
                        null => true,
                        JsonObject obj => obj.Count == 0,
                        JsonArray array => array.Count == 0,
                        _ => Arg(0).Length == 0,
                    });
                case "not" when args[0] is JsonValue b && b.TryGetValue<bool>(out var flag):
                    return JsonValue.Create(!flag);
                case "tolower" when !args.Any(IsSymbol):
                    return JsonValue.Create(Arg(0).ToLowerInvariant());
                case "toupper" when !args.Any(IsSymbol):
                    return JsonValue.Create(Arg(0).ToUpperInvariant());
                case "string" when !args.Any(IsSymbol):
                    return JsonValue.Create(Arg(0));
                case "true":
                    return JsonValue.Create(true);
                case "false":
                    return JsonValue.Create(false);
                default:
                    // Known only when deployed: uniqueString, subscription(), resourceGroup(), ...
                    return Symbol(name + "(" + string.Join(", ", args.Select(Text)) + ")");
            }
        }

        /// <summary>A resource id as "§resource(type/name…)"; the scope argument (of extensionResourceId, or a subscription) is left out.</summary>
        private static JsonValue ResourceId(List<JsonNode?> args)
        {
            var texts = args.Select(Text).ToList();
            var type = texts.FindIndex(t => !t.StartsWith('/') && !t.StartsWith(SymbolPrefix, StringComparison.Ordinal) && t.Contains('/', StringComparison.Ordinal) && !t.Contains(' ', StringComparison.Ordinal));
            if (type < 0)
            {
                return Symbol("resourceId(" + string.Join(", ", texts) + ")");
            }

            return Symbol("resource(" + string.Join('/', texts.Skip(type)) + ")");
        }

        /// <summary>A module deployment's outputs, evaluated in the module; any other resource's runtime state as a symbol.</summary>
        private JsonNode? Reference(JsonNode? resource)
        {
            var id = Text(resource);

            // languageVersion 2.0 templates name resources symbolically: reference('storage').
            if (deployment._template["resources"] is JsonObject symbolic && symbolic[id] is JsonObject named)
            {
                id = Text(ResourceId([named["type"], deployment.Evaluate(named["name"])]));
            }

            var deploymentPrefix = SymbolPrefix + "resource(" + DeploymentsType + "/";
            if (id.StartsWith(deploymentPrefix, StringComparison.Ordinal) && deployment.Child(id[deploymentPrefix.Length..^1]) is { } module)
            {
                var outputs = new JsonObject();
                foreach (var (name, _) in (module._template["outputs"] as JsonObject) ?? [])
                {
                    outputs[name] = new JsonObject { ["value"] = module.Output(name) };
                }

                return new JsonObject { ["outputs"] = outputs };
            }

            return Symbol("reference(" + id + ")");
        }

        private static JsonNode? Member(JsonNode? value, string name) => value switch
        {
            JsonObject obj => obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } found
                ? found.Value?.DeepClone()
                : throw new InvalidOperationException($"No property {name} in {obj.ToJsonString()}."),
            _ when IsSymbol(value) => Symbol(Text(value)[SymbolPrefix.Length..] + "." + name),
            _ => throw new InvalidOperationException($"Cannot take .{name} of {Text(value)}."),
        };

        private static JsonNode? Index(JsonNode? value, JsonNode? index) => (value, index) switch
        {
            (JsonArray array, JsonValue i) when i.TryGetValue<int>(out var n) => array[n]?.DeepClone(),
            (JsonObject, _) when !IsSymbol(index) => Member(value, Text(index)),
            _ => Symbol((IsSymbol(value) ? Text(value)[SymbolPrefix.Length..] : Text(value)) + "[" + Text(index) + "]"),
        };

        private static string Format(string format, string[] args)
        {
            var result = new StringBuilder();
            for (var i = 0; i < format.Length; i++)
            {
                if (format[i] == '{' && format.IndexOf('}', i) is var end and > 0
                    && int.TryParse(format.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < args.Length)
                {
                    result.Append(args[n]);
                    i = end;
                }
                else
                {
                    result.Append(format[i]);
                }
            }

            return result.ToString();
        }

        private string ParseString()
        {
            Expect('\'');
            var result = new StringBuilder();
            while (true)
            {
                var c = text[_position++];
                if (c == '\'')
                {
                    if (_position < text.Length && text[_position] == '\'')
                    {
                        result.Append('\'');
                        _position++;
                        continue;
                    }

                    return result.ToString();
                }

                result.Append(c);
            }
        }

        private string ParseIdentifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '$' or '#'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw Error("an identifier expected");
        }

        private char Peek() => _position < text.Length ? text[_position] : throw Error("unexpected end");

        private bool TryTake(char c)
        {
            SkipSpace();
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Error($"'{c}' expected");
            }
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private InvalidOperationException Error(string what) => new($"ARM expression [{text}] at {_position}: {what}.");
    }
}

/// <summary>A resource of a deployment; one index of a copy loop is a resource of its own.</summary>
internal sealed class ArmResource(ArmDeployment deployment, JsonObject raw, int? copyIndex)
{
    public ArmDeployment Deployment { get; } = deployment;

    public JsonObject Raw { get; } = raw;

    public string Type => ArmDeployment.Text(Raw["type"]);

    /// <summary>Deployed only when a condition holds that the template alone cannot decide.</summary>
    public bool IsConditional => Raw.ContainsKey("condition") && !(Evaluate("condition") is JsonValue b && b.TryGetValue<bool>(out var on) && on);

    /// <summary>A property path such as "properties.functionAppConfig.runtime", evaluated; null when absent.</summary>
    public JsonNode? Evaluate(string path)
    {
        JsonNode? node = Raw;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
            if (node is null)
            {
                return null;
            }
        }

        return Deployment.Evaluate(node, copyIndex);
    }

    public string Text(string path) => ArmDeployment.Text(Evaluate(path));
}
