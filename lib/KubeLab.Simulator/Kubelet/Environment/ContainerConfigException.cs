namespace KubeLab.Simulator.Kubelet.Environment;

/// <summary>
/// The kubelet could not build a container's configuration (environment, mounts): the container stays Waiting with reason
/// <c>CreateContainerConfigError</c>, the message is this exception's, and the kubelet emits a <c>Failed</c> event
/// "Error: &lt;message&gt;" (kuberuntime_container.go startContainer → generateContainerConfig). The kubelet retries on its next sync.
/// </summary>
public sealed class ContainerConfigException(string message) : Exception(message)
{
    public const string Reason = "CreateContainerConfigError";
}
