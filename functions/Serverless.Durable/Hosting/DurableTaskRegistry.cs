using System.Reflection;

namespace Serverless.Durable;

/// <summary>Orchestrators and activities known to this process, by name.</summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, OrchestratorRegistration> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Type> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers an orchestrator under its class name (or <paramref name="name"/>).</summary>
    public DurableTaskRegistry AddOrchestrator<T>(string? name = null)
        where T : class, ITaskOrchestrator => AddOrchestrator(typeof(T), name);

    /// <summary>Registers an orchestrator type under its class name (or <paramref name="name"/>).</summary>
    public DurableTaskRegistry AddOrchestrator(Type type, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(ITaskOrchestrator).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type} is not a TaskOrchestrator.", nameof(type));
        }

        var version = type.GetCustomAttribute<OrchestratorVersionAttribute>();
        var registration = new OrchestratorRegistration(name ?? type.Name, type, version?.Version ?? "1", version?.CompatibleWith ?? []);
        _orchestrators[registration.Name] = registration;
        return this;
    }

    /// <summary>Registers an activity under its class name (or <paramref name="name"/>); it is resolved from a DI scope per execution.</summary>
    public DurableTaskRegistry AddActivity<T>(string? name = null)
        where T : class, ITaskActivity => AddActivity(typeof(T), name);

    /// <summary>Registers an activity type under its class name (or <paramref name="name"/>).</summary>
    public DurableTaskRegistry AddActivity(Type type, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(ITaskActivity).IsAssignableFrom(type))
        {
            throw new ArgumentException($"{type} is not a TaskActivity.", nameof(type));
        }

        _activities[name ?? type.Name] = type;
        return this;
    }

    /// <summary>Registered orchestrator names.</summary>
    public IReadOnlyCollection<string> OrchestratorNames => _orchestrators.Keys;

    /// <summary>Registered activity names.</summary>
    public IReadOnlyCollection<string> ActivityNames => _activities.Keys;

    internal OrchestratorRegistration? FindOrchestrator(string name) => _orchestrators.GetValueOrDefault(name);

    internal Type? FindActivity(string name) => _activities.GetValueOrDefault(name);
}

internal sealed record OrchestratorRegistration(string Name, Type Type, string Version, string[] CompatibleWith)
{
    public bool CanRun(string instanceVersion) =>
        string.IsNullOrEmpty(instanceVersion) || instanceVersion == Version || CompatibleWith.Contains(instanceVersion, StringComparer.Ordinal);
}
