using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Testing;

/// <summary>
/// A Node.js tool from the repository's node_modules run as a child process that is killed with
/// its whole tree on dispose, so a test run leaves nothing behind.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static NodeProcess Start(string scriptRelativeToNodeModules, IEnumerable<string> arguments) =>
        StartScript(Path.Combine(RepositoryPaths.NodeModules, scriptRelativeToNodeModules), arguments);

    /// <summary>Starts Azurite through the repository's scripts/azurite.cjs, as the local run does.</summary>
    public static NodeProcess StartAzurite(IEnumerable<string> arguments)
    {
        if (!File.Exists(Path.Combine(RepositoryPaths.NodeModules, "azurite", "package.json")))
        {
            throw new InvalidOperationException($"Azurite is missing: run 'npm ci' in {RepositoryPaths.Root} first.");
        }

        return StartScript(Path.Combine(RepositoryPaths.Root, "scripts", "azurite.cjs"), arguments);
    }

    private static NodeProcess StartScript(string script, IEnumerable<string> arguments)
    {
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} is missing: run 'npm ci' in {RepositoryPaths.Root} first.");
        }

        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until every port accepts a TCP connection, or fails naming the process output.</summary>
    public async Task WaitForPortsAsync(TimeSpan timeout, params int[] ports)
    {
        foreach (var port in ports)
        {
            await Wait.UntilAsync(() => AcceptsAsync(port), $"port {port} to accept connections", timeout, TimeSpan.FromMilliseconds(50), () => Output);
        }
    }

    private async Task<bool> AcceptsAsync(int port)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"process exited with {_process.ExitCode}: {Output}");
        }

        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync() => _process.StopAsync();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64_000)
            {
                _output.AppendLine(line);
            }
        }
    }
}
