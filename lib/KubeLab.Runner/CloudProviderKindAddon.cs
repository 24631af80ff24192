namespace KubeLab.Runner;

/// <summary>
/// cloud-provider-kind (kubernetes-sigs/cloud-provider-kind): the "platform" that gives kind's LoadBalancer Services an
/// EXTERNAL-IP (chapter 08) – one Envoy container per Service on the docker network <c>kind</c>, forwarding to the workers'
/// NodePorts. It runs beside the cluster, not in it: a container with the docker socket, on the <c>kind</c> network, as its
/// README shows. Pinned to <see cref="Version"/>; the steps are docker argument lists so they can be tested without Docker.
/// </summary>
public static class CloudProviderKindAddon
{
    public const string Version = "v0.11.1";
    public const string ContainerName = "kubelab-cloud-provider-kind";
    public static string Image => $"registry.k8s.io/cloud-provider-kind/cloud-controller-manager:{Version}";

    /// <summary>Prints the container's image and state ("running", "exited", …) when it exists, nothing otherwise.</summary>
    public static string[] InspectArgs() =>
        ["ps", "-a", "--filter", $"name=^{ContainerName}$", "--format", "{{.Image}} {{.State}}"];

    public static string[] RemoveArgs() => ["rm", "-f", ContainerName];

    /// <summary>Detached, restarted with Docker, on kind's network with the docker socket (it creates the Envoy containers).</summary>
    public static string[] RunArgs() =>
        ["run", "-d", "--name", ContainerName, "--restart", "unless-stopped", "--network", "kind",
         "-v", "/var/run/docker.sock:/var/run/docker.sock", Image];

    /// <summary>What to do with the container <see cref="InspectArgs"/> described.</summary>
    public static CloudProviderAction Decide(string inspectOutput)
    {
        var line = inspectOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (line is null) return CloudProviderAction.Start;
        var parts = line.Split(' ', 2);
        if (parts[0] != Image) return CloudProviderAction.Replace; // another version: the course pins one
        return parts.Length > 1 && parts[1] == "running" ? CloudProviderAction.KeepRunning : CloudProviderAction.Replace;
    }
}

public enum CloudProviderAction { Start, Replace, KeepRunning }
