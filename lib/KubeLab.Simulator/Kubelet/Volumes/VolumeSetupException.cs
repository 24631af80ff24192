namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// A volume of the pod could not be set up, so the kubelet does not start the pod's containers (they stay
/// ContainerCreating / PodInitializing) and retries. <see cref="Exception.Message"/> is the whole text of the kubelet's
/// <c>Warning FailedMount</c> event, e.g. <c>MountVolume.SetUp failed for volume "cfg" : configmap "x" not found</c>
/// (operation_generator.go GenerateMountVolumeFunc: "MountVolume.SetUp failed for volume %q : %v"). When several volumes fail,
/// <see cref="Failures"/> holds one entry per volume (the kubelet emits one event each); this exception is the first.
/// </summary>
public sealed class VolumeSetupException(string volumeName, string message) : Exception(message)
{
    public const string Reason = "FailedMount";

    public string VolumeName { get; } = volumeName;

    public IReadOnlyList<VolumeSetupException> Failures { get; internal set; } = [];

    internal static VolumeSetupException SetUpFailed(string volumeName, string error) =>
        new(volumeName, $"MountVolume.SetUp failed for volume \"{volumeName}\" : {error}");
}
