namespace Serverless.Durable;

/// <summary>Details of a failure, kept with the instance or passed to the caller.</summary>
/// <param name="ErrorType">The exception type name.</param>
/// <param name="ErrorMessage">The message.</param>
/// <param name="StackTrace">The stack trace, if any.</param>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null)
{
    internal static TaskFailureDetails FromException(Exception exception) =>
        new(exception.GetType().FullName ?? exception.GetType().Name, Cap(exception.Message, 8000), exception.StackTrace is { } trace ? Cap(trace, 4000) : null);

    private static string Cap(string value, int length) => value.Length > length ? value[..length] : value;
}

/// <summary>An instance id does not exist (never created, or purged).</summary>
public sealed class OrchestrationNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OrchestrationNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public OrchestrationNotFoundException(string instanceId)
        : base($"Orchestration instance '{instanceId}' does not exist.")
    {
        InstanceId = instanceId;
    }

    /// <summary>Creates the exception.</summary>
    public OrchestrationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The missing instance id.</summary>
    public string? InstanceId { get; }
}

/// <summary>A request to the runtime was invalid; nothing was written. <see cref="ArgumentException.ParamName"/> names the offending field.</summary>
public sealed class DurableValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public DurableValidationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public DurableValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DurableValidationException(string message, string? parameterName)
        : base(message, parameterName)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DurableValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DurableValidationException(string message, string? parameterName, Exception? innerException)
        : base(message, parameterName, innerException)
    {
    }
}

/// <summary>An activity or sub-orchestration called by an orchestrator failed.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaskFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed: {failureDetails.ErrorType}: {failureDetails.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    /// <summary>The failed task's name.</summary>
    public string? TaskName { get; }

    /// <summary>The failed task's sequence number.</summary>
    public int TaskId { get; }

    /// <summary>Why it failed.</summary>
    public TaskFailureDetails? FailureDetails { get; }
}

/// <summary>Orchestrator code did not replay its history: it made a different call than the one recorded.</summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The instance started with an orchestrator version the current code does not support.</summary>
public sealed class OrchestratorVersionMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OrchestratorVersionMismatchException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public OrchestratorVersionMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public OrchestratorVersionMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
