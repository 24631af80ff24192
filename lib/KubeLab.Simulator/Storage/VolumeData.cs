// TEMPORARY STUB (replaced by the volumes branch)
namespace KubeLab.Simulator.Storage;

public sealed class VolumeData;
