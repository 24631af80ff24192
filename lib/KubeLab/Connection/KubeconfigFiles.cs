using k8s;
using k8s.KubeConfigModels;

namespace KubeLab.Connection;

/// <summary>Finds and reads kubeconfig files the way kubectl does ($KUBECONFIG list, else ~/.kube/config).</summary>
internal static class KubeconfigFiles
{
    public static IReadOnlyList<string> Paths(LabOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Kubeconfig)) return [Path.GetFullPath(options.Kubeconfig)];
        var env = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(env))
            return env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return [Path.Combine(home, ".kube", "config")];
    }

    /// <summary>The merged kubeconfig, or null when none of the files exist.</summary>
    public static K8SConfiguration? TryLoad(IReadOnlyList<string> paths)
    {
        var existing = paths.Where(File.Exists).Select(p => new FileInfo(p)).ToArray();
        if (existing.Length == 0) return null;
        try
        {
            // Merge like kubectl: the first file that defines a name wins; current-context comes from the first file setting it.
            var configs = existing.Select(f => KubernetesClientConfiguration.LoadKubeConfig(f, true)).ToList();
            var merged = configs[0];
            merged.Contexts = configs.SelectMany(c => c.Contexts ?? []).DistinctBy(c => c.Name).ToList();
            merged.Clusters = configs.SelectMany(c => c.Clusters ?? []).DistinctBy(c => c.Name).ToList();
            merged.Users = configs.SelectMany(c => c.Users ?? []).DistinctBy(c => c.Name).ToList();
            merged.CurrentContext = configs.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c));
            return merged;
        }
        catch (Exception e)
        {
            throw new KubeconfigException(
                $"Could not read kubeconfig {string.Join(", ", existing.Select(f => f.FullName))}: {e.Message}\n" +
                "  Hint: check the file is valid YAML (kubectl config view shows the same error).", e);
        }
    }

    public static IReadOnlyList<string> ContextNames(K8SConfiguration? config)
        => config?.Contexts?.Select(c => c.Name).Where(n => n is not null).ToList() ?? [];

    public static string? ServerOf(K8SConfiguration config, string context)
    {
        var ctx = config.Contexts?.FirstOrDefault(c => c.Name == context);
        var cluster = config.Clusters?.FirstOrDefault(c => c.Name == ctx?.ContextDetails?.Cluster);
        return cluster?.ClusterEndpoint?.Server;
    }
}
