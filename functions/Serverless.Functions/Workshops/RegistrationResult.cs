namespace Serverless.Functions.Workshops;

/// <summary>The outcome of a registration action: a registration, or a status with a problem code or field errors. Nothing is written on failure.</summary>
public sealed record RegistrationResult(RegistrationEntity? Registration, int Status, string? Code = null, Dictionary<string, string[]>? Errors = null, int? WaitlistPosition = null, IReadOnlyDictionary<string, SeatCount>? Counters = null)
{
    public bool Succeeded => Code is null && Errors is null;

    public static RegistrationResult Problem(int status, string code) => new(null, status, code);

    public static RegistrationResult Invalid(Dictionary<string, string[]> errors) => new(null, StatusCodes.Status400BadRequest, null, errors);
}
