using System.Net;
using System.Net.Sockets;
using KubeLab.Connection;

namespace KubeLab.Tests;

[Collection(EnvironmentCollection.Name)]
public class ContextGuardTests
{
    [Theory]
    [InlineData("kind-k8s-course", true)]
    [InlineData("kind-other", true)]
    [InlineData("kubelab-sim", true)]
    [InlineData("gke_prod", false)]
    [InlineData("my-kind", false)]
    public void Only_kind_and_simulator_contexts_are_course_contexts(string context, bool expected)
        => Assert.Equal(expected, ContextGuard.IsCourseContext(context));

    [Fact]
    public async Task Foreign_context_is_refused_before_anything_is_sent()
    {
        // A listener stands in for the production API server: the guard must fail without connecting to it.
        using var prod = new TcpListener(IPAddress.Loopback, 0);
        prod.Start();
        var server = $"https://127.0.0.1:{((IPEndPoint)prod.LocalEndpoint).Port}";
        var kubeconfig = KubeconfigFixtures.Write(("gke_prod", server), ("kind-k8s-course", "https://127.0.0.1:1"));

        var e = await Assert.ThrowsAsync<ClusterGuardException>(() => Lab.StartAsync("guard", new LabOptions { Kubeconfig = kubeconfig, Context = "gke_prod" }));

        Assert.Equal("gke_prod", e.Context);
        Assert.Contains("\"gke_prod\"", e.Message);
        Assert.Contains(server, e.Message);
        Assert.Contains("AllowAnyContext = true", e.Message);
        Assert.Contains("KUBELAB_ALLOW_ANY_CONTEXT=1", e.Message);
        Assert.False(prod.Pending(), "the guard must not connect to the foreign cluster");
    }

    [Fact]
    public async Task Opting_in_by_option_passes_the_guard()
    {
        var kubeconfig = KubeconfigFixtures.Write(("gke_prod", $"http://127.0.0.1:{KubeconfigFixtures.ClosedPort()}"));
        // Past the guard, the (closed) server is contacted: unreachable, not refused.
        var e = await Assert.ThrowsAsync<ClusterUnreachableException>(() =>
            Lab.StartAsync("guard", new LabOptions { Kubeconfig = kubeconfig, Context = "gke_prod", AllowAnyContext = true }));
        Assert.Equal("gke_prod", e.Context);
    }

    [Fact]
    public async Task Opting_in_by_environment_passes_the_guard()
    {
        var kubeconfig = KubeconfigFixtures.Write(("gke_prod", $"http://127.0.0.1:{KubeconfigFixtures.ClosedPort()}"));
        Environment.SetEnvironmentVariable(ContextGuard.AllowEnvironmentVariable, "1");
        try
        {
            await Assert.ThrowsAsync<ClusterUnreachableException>(() => Lab.StartAsync("guard", new LabOptions { Kubeconfig = kubeconfig, Context = "gke_prod" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ContextGuard.AllowEnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task Context_from_environment_is_used_and_guarded()
    {
        var kubeconfig = KubeconfigFixtures.Write(("gke_prod", "https://127.0.0.1:1"));
        Environment.SetEnvironmentVariable(ClusterConnector.ContextEnvironmentVariable, "gke_prod");
        try
        {
            await Assert.ThrowsAsync<ClusterGuardException>(() => Lab.StartAsync("guard", new LabOptions { Kubeconfig = kubeconfig }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(ClusterConnector.ContextEnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task Missing_context_lists_the_contexts_that_exist()
    {
        var kubeconfig = KubeconfigFixtures.Write(("kind-k8s-course", "https://127.0.0.1:1"), ("kubelab-sim", "http://127.0.0.1:1"));
        var e = await Assert.ThrowsAsync<KubeconfigException>(() => Lab.StartAsync("guard", new LabOptions { Kubeconfig = kubeconfig, Context = "kind-typo" }));
        Assert.Contains("\"kind-typo\" is not in", e.Message);
        Assert.Contains("kind-k8s-course, kubelab-sim", e.Message);
    }

    [Fact]
    public async Task Missing_kubeconfig_with_explicit_context_says_so()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "config");
        var e = await Assert.ThrowsAsync<KubeconfigException>(() => Lab.StartAsync("guard", new LabOptions { Kubeconfig = missing, Context = "kind-k8s-course" }));
        Assert.Contains(missing, e.Message);
        Assert.Contains("kubelab up", e.Message);
    }

    [Fact]
    public async Task Explicit_unreachable_kind_context_names_context_server_and_remedy()
    {
        var server = $"https://127.0.0.1:{KubeconfigFixtures.ClosedPort()}";
        var kubeconfig = KubeconfigFixtures.Write(("kind-k8s-course", server));
        var e = await Assert.ThrowsAsync<ClusterUnreachableException>(() =>
            Lab.StartAsync("guard", new LabOptions { Kubeconfig = kubeconfig, Context = "kind-k8s-course" }));
        Assert.Equal(server, e.Server);
        Assert.Contains("\"kind-k8s-course\"", e.Message);
        Assert.Contains(server, e.Message);
        Assert.Contains("kubelab up", e.Message);
        Assert.Contains("simulator", e.Message);
    }

    [Fact]
    public async Task Without_explicit_context_an_unreachable_kind_cluster_is_an_error_not_a_silent_switch_to_the_simulator()
    {
        var server = $"https://127.0.0.1:{KubeconfigFixtures.ClosedPort()}";
        var kubeconfig = KubeconfigFixtures.Write(("kind-k8s-course", server));
        var e = await Assert.ThrowsAsync<ClusterUnreachableException>(() => Lab.StartAsync("fallback", new LabOptions { Kubeconfig = kubeconfig }));
        Assert.Equal("kind-k8s-course", e.Context);
        Assert.Contains(server, e.Message);
        Assert.Contains("start Docker", e.Message);
        Assert.Contains("KUBELAB_CONTEXT=kubelab-sim", e.Message);
    }

    [Fact]
    public async Task The_simulator_context_in_no_kubeconfig_asks_for_the_embedded_simulator()
    {
        var kubeconfig = KubeconfigFixtures.Write(("kind-k8s-course", $"https://127.0.0.1:{KubeconfigFixtures.ClosedPort()}"));
        await using var lab = await Lab.StartAsync("fallback", new LabOptions { Kubeconfig = kubeconfig, Context = "kubelab-sim" });
        Assert.Equal("embedded simulator", lab.Cluster.Flavor);
        Assert.Equal("kubelab-sim", lab.Cluster.Context);
        Assert.True(lab.Cluster.IsSimulated);
        Assert.NotEmpty(lab.Cluster.Nodes);
        Assert.Equal("lab-fallback", lab.Namespace);
    }

    [Fact]
    public void Invalid_lesson_names_are_explained()
    {
        var e = Assert.Throws<ArgumentException>(() => Lab.NamespaceFor("Chapter 1!"));
        Assert.Contains("lowercase letters, digits and '-'", e.Message);
        Assert.Equal("lab-02-replicasets", Lab.NamespaceFor("02-ReplicaSets"));
    }
}
