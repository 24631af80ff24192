using System.Net;
using System.Net.Sockets;

namespace KubeLab.Tests;

/// <summary>Writes kubeconfig files with several contexts into a temp folder for the connect/guard tests.</summary>
internal static class KubeconfigFixtures
{
    /// <summary>A port on 127.0.0.1 where nothing listens (bound then released).</summary>
    public static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static string Write(params (string Context, string Server)[] contexts)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kubelab-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "config");
        var clusters = string.Join("", contexts.Select(c => $"- name: {c.Context}\n  cluster:\n    server: {c.Server}\n"));
        var users = string.Join("", contexts.Select(c => $"- name: {c.Context}\n  user:\n    token: test-token\n"));
        var ctxs = string.Join("", contexts.Select(c => $"- name: {c.Context}\n  context:\n    cluster: {c.Context}\n    user: {c.Context}\n"));
        File.WriteAllText(path, $"apiVersion: v1\nkind: Config\nclusters:\n{clusters}users:\n{users}contexts:\n{ctxs}current-context: {contexts[0].Context}\n");
        return path;
    }
}

/// <summary>Tests that read or change KUBELAB_* environment variables must not run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "environment";
}
