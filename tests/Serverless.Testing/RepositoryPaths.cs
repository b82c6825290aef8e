namespace Serverless.Testing;

/// <summary>Locates the repository root and the tools npm installed into it.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string NodeModules => Path.Combine(Root, "node_modules");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}
