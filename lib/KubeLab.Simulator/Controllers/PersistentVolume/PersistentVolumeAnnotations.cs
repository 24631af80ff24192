namespace KubeLab.Simulator.Controllers.PersistentVolume;

/// <summary>
/// The annotations, event reasons and messages of the persistentvolume-binder (pkg/controller/volume/persistentvolume/util
/// and pkg/controller/volume/events, 1.32).
/// </summary>
public static class PersistentVolumeAnnotations
{
    public const string BindCompleted = "pv.kubernetes.io/bind-completed";
    public const string BoundByController = "pv.kubernetes.io/bound-by-controller";
    public const string StorageProvisioner = "volume.kubernetes.io/storage-provisioner";
    public const string BetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";
    public const string SelectedNode = "volume.kubernetes.io/selected-node";
    public const string DynamicallyProvisioned = "pv.kubernetes.io/provisioned-by";
    public const string BetaStorageClass = "volume.beta.kubernetes.io/storage-class";

    public const string Component = "persistentvolume-controller";

    // Event reasons (pkg/controller/volume/events/event.go).
    public const string FailedBinding = "FailedBinding";
    public const string WaitForFirstConsumer = "WaitForFirstConsumer";
    public const string ExternalProvisioning = "ExternalProvisioning";
    public const string ProvisioningFailed = "ProvisioningFailed";
    public const string VolumeMismatch = "VolumeMismatch";
    public const string ClaimLost = "ClaimLost";
    public const string ClaimMisbound = "ClaimMisbound";
    public const string VolumeFailedDelete = "VolumeFailedDelete";
    public const string VolumeFailedRecycle = "VolumeFailedRecycle";

    public const string NoClassMessage = "no persistent volumes available for this claim and no storage class is set";
    public const string WaitingForConsumerMessage = "waiting for first consumer to be created before binding";
    public const string ClaimLostMessage = "Bound claim has lost its PersistentVolume. Data on the volume is lost!";
    public const string ClaimMisboundMessage = "Two claims are bound to the same volume, this one is bound incorrectly";

    /// <summary>An annotation's value, or null.</summary>
    public static string? Annotation(IDictionary<string, string>? annotations, string key) =>
        annotations is not null && annotations.TryGetValue(key, out var v) ? v : null;

    public static string ClassNotFound(string className) => $"storageclass.storage.k8s.io \"{className}\" not found";

    public static string WaitingForProvisioner(string provisioner) =>
        $"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. " +
        "If volume creation is delayed, please verify that the provisioner is running and correctly registered.";
}
