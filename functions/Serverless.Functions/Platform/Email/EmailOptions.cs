namespace Serverless.Functions.Platform.Email;

public sealed class EmailOptions
{
    public const string SectionName = "Email";

    /// <summary>"Smtp" (local default) or "AzureCommunicationServices".</summary>
    public string Provider { get; set; } = "Smtp";

    public string From { get; set; } = "no-reply@innovation.localhost";

    public string FromName { get; set; } = "Innovation Network";

    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>The Communication Services endpoint, e.g. https://name.communication.azure.com.</summary>
    public Uri? AcsEndpoint { get; set; }

    /// <summary>Attempts before a message is marked Failed.</summary>
    public int MaxAttempts { get; set; } = 6;

    public int MaxConcurrentDeliveries { get; set; } = 4;

    /// <summary>False in Functions mode, where queue and timer triggers drive the dispatcher.</summary>
    public bool EnablePollers { get; set; } = true;

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claim holds a row; a claim whose holder died lapses after it and the sweep delivers the row.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public sealed class SmtpSettings
    {
        public string Host { get; set; } = "127.0.0.1";

        public int Port { get; set; } = 1025;

        public bool UseTls { get; set; }

        public string? UserName { get; set; }

        public string? Password { get; set; }
    }
}
