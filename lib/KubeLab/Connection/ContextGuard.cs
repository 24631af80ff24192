namespace KubeLab.Connection;

/// <summary>
/// Refuses to touch a cluster that is not obviously a course cluster. A course notebook deletes namespaces,
/// so talking to a production context by accident must be impossible without an explicit opt-in.
/// </summary>
public static class ContextGuard
{
    public const string AllowEnvironmentVariable = "KUBELAB_ALLOW_ANY_CONTEXT";

    /// <summary>Context name the KubeLab simulator writes into its kubeconfig (SimulatedCluster.ContextName).</summary>
    public const string SimulatorContext = "kubelab-sim";

    /// <summary>kind clusters (context kind-*) and the KubeLab simulator are safe.</summary>
    public static bool IsCourseContext(string context)
        => context.StartsWith("kind-", StringComparison.Ordinal) || context == SimulatorContext;

    public static bool OptedIn(LabOptions options)
        => options.AllowAnyContext || Environment.GetEnvironmentVariable(AllowEnvironmentVariable) is "1" or "true" or "True";

    /// <summary>Throws <see cref="ClusterGuardException"/> unless the context is safe or the caller opted in.</summary>
    public static void Ensure(string context, string? server, LabOptions options)
    {
        if (IsCourseContext(context) || OptedIn(options)) return;
        throw new ClusterGuardException(context,
            $"Refusing to use kube context \"{context}\"{(server is null ? "" : $" (server {server})")}: it is not a course cluster " +
            $"(expected kind-* or {SimulatorContext}). The lab creates and deletes namespaces, so nothing was touched.\n" +
            "  To use the course cluster: run `kubelab up` (creates kind-k8s-course) or omit the context to use the embedded simulator.\n" +
            $"  To really use \"{context}\": pass new LabOptions {{ AllowAnyContext = true }} or set {AllowEnvironmentVariable}=1.");
    }
}
