using System.Runtime.Loader;
using k8s;
using KubeLab.Connection;

namespace KubeLab.Tests;

public class EmbeddedSimulatorTests
{
    [Fact]
    public void The_test_host_has_aspnetcore_and_the_shared_framework_is_found()
    {
        Assert.True(SimulatorLoadContext.HostHasAspNetCore());
        var folder = SimulatorLoadContext.FindAspNetCoreFolder();
        Assert.NotNull(folder);
        Assert.True(File.Exists(Path.Combine(folder, "Microsoft.AspNetCore.dll")));
    }

    /// <summary>The path taken in hosts without ASP.NET Core (dotnet-repl): the simulator runs in its own load context.</summary>
    [Fact]
    public async Task Isolated_simulator_serves_the_api_through_its_kubeconfig()
    {
        var handle = await EmbeddedSimulator.StartIsolatedAsync(CancellationToken.None);
        try
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(handle.KubeconfigYaml));
            var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubernetesClientConfiguration.LoadKubeConfig(stream), "kubelab-sim");
            using var client = new Kubernetes(config);
            var version = await client.Version.GetCodeAsync();
            Assert.StartsWith("v1.", version.GitVersion);
            var nodes = await client.CoreV1.ListNodeAsync();
            Assert.Contains(nodes.Items, n => n.Metadata.Name == "k8s-course-worker");
            Assert.Contains(AssemblyLoadContext.All, c => c.Name == "kubelab-simulator");
        }
        finally
        {
            await handle.Stop();
        }
    }
}
