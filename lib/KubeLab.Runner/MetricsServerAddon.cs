namespace KubeLab.Runner;

/// <summary>
/// metrics-server for the kind cluster (what <c>kubectl top</c> and the HorizontalPodAutoscaler read). The upstream release
/// manifest is applied by URL at run time – pinned to <see cref="Version"/>, not copied into the repo – and the Deployment gets
/// <c>--kubelet-insecure-tls</c> with a JSON patch, because kind's kubelets serve self-signed certificates.
/// The steps are data (kubectl argument lists) so they can be tested without Docker.
/// </summary>
public static class MetricsServerAddon
{
    public const string Version = "v0.7.2";
    public const string Namespace = "kube-system";
    public const string DeploymentName = "metrics-server";
    public const string InsecureTlsFlag = "--kubelet-insecure-tls";

    public static string ManifestUrl => $"https://github.com/kubernetes-sigs/metrics-server/releases/download/{Version}/components.yaml";

    /// <summary>RFC 6902: append the flag to the first container's args.</summary>
    public const string InsecureTlsPatch = """[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--kubelet-insecure-tls"}]""";

    private static string[] Kubectl(string kubeconfig, string context, params string[] args) =>
        [.. args, "--kubeconfig", kubeconfig, "--context", context];

    public static string[] ApplyArgs(string kubeconfig, string context) => Kubectl(kubeconfig, context, "apply", "-f", ManifestUrl);

    /// <summary>Prints the first container's args, to patch only when the flag is missing (re-running <c>kubelab up</c> is safe).</summary>
    public static string[] ReadArgsArgs(string kubeconfig, string context) =>
        Kubectl(kubeconfig, context, "-n", Namespace, "get", "deployment", DeploymentName, "-o", "jsonpath={.spec.template.spec.containers[0].args}");

    public static string[] PatchArgs(string kubeconfig, string context) =>
        Kubectl(kubeconfig, context, "-n", Namespace, "patch", "deployment", DeploymentName, "--type=json", "-p", InsecureTlsPatch);

    public static string[] RolloutStatusArgs(string kubeconfig, string context) =>
        Kubectl(kubeconfig, context, "-n", Namespace, "rollout", "status", $"deployment/{DeploymentName}", "--timeout=180s");

    /// <summary><c>kubectl top nodes</c> answers only once the metrics API is registered and metrics-server has scraped.</summary>
    public static string[] TopNodesArgs(string kubeconfig, string context) => Kubectl(kubeconfig, context, "top", "nodes");

    public static bool NeedsPatch(string currentArgs) => !currentArgs.Contains(InsecureTlsFlag, StringComparison.Ordinal);
}
