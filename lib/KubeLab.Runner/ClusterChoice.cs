namespace KubeLab.Runner;

/// <summary>Which cluster notebooks run against.</summary>
public enum ClusterChoice
{
    /// <summary>The kind cluster if its context exists and answers quickly, otherwise the simulator.</summary>
    Auto,
    /// <summary>The kind cluster made by <c>kubelab up</c> (context <c>kind-k8s-course</c>).</summary>
    Kind,
    /// <summary>The embedded simulated cluster, started in this process.</summary>
    Sim,
}
