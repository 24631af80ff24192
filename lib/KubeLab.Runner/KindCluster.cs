using k8s;

namespace KubeLab.Runner;

/// <summary>The course's kind cluster as seen through the user's kubeconfig.</summary>
public static class KindCluster
{
    public const string ClusterName = "k8s-course";
    public const string ContextName = "kind-" + ClusterName;

    /// <summary>How long <c>kind create cluster --wait</c> waits for the control plane to be Ready.</summary>
    public const string CreateWait = "2m";

    /// <summary><c>kind create cluster</c> from environment/kind-cluster.yaml, waiting for the control plane.</summary>
    public static string[] CreateArgs(string configPath) => ["create", "cluster", "--name", ClusterName, "--config", configPath, "--wait", CreateWait];

    /// <summary><c>kind get clusters</c> prints one name a line ("No kind clusters found." goes to stderr).</summary>
    public static bool ListsCourseCluster(string getClustersOutput) =>
        getClustersOutput.Split('\n', StringSplitOptions.TrimEntries).Contains(ClusterName);

    /// <summary>The kubeconfig kubectl would use: $KUBECONFIG (first entry) or ~/.kube/config.</summary>
    public static string DefaultKubeconfigPath()
    {
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(env))
            return env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0];
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    /// <summary>Whether the kubeconfig exists and names the course context (whether or not its cluster answers).</summary>
    public static async Task<bool> HasContextAsync(string kubeconfigPath)
    {
        if (!File.Exists(kubeconfigPath))
            return false;
        try
        {
            var config = await KubernetesClientConfiguration.LoadKubeConfigAsync(kubeconfigPath);
            return config.Contexts?.Any(c => c.Name == ContextName) == true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Whether the kubeconfig has the course context and its API server answers /version within <paramref name="timeout"/>.</summary>
    public static async Task<bool> IsReachableAsync(string kubeconfigPath, TimeSpan timeout, CancellationToken ct = default)
    {
        if (!File.Exists(kubeconfigPath))
            return false;
        try
        {
            var config = await KubernetesClientConfiguration.LoadKubeConfigAsync(kubeconfigPath);
            if (config.Contexts?.Any(c => c.Name == ContextName) != true)
                return false;
            var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigObject(config, ContextName));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            await client.Version.GetCodeAsync(cts.Token);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false; // unreadable kubeconfig, refused connection, TLS failure or timeout: not usable
        }
    }
}
