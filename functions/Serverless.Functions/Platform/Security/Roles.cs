using System.Collections.Frozen;

namespace Serverless.Functions.Platform.Security;

/// <summary>The portal's roles. Everyone registered is a member; the others are granted by admins.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Coordinator = "coordinator";
    public const string Reviewer = "reviewer";
    public const string Member = "member";

    public static readonly FrozenSet<string> All = FrozenSet.Create(StringComparer.Ordinal, Admin, Coordinator, Reviewer, Member);

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

/// <summary>Authorization policy names, one per role. Admins pass every policy.</summary>
public static class Policies
{
    public const string Admin = "admin";

    /// <summary>Coordinators and admins: run programmes, manage the registry.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>Reviewers and admins.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Anyone signed in.</summary>
    public const string Member = "member";
}
