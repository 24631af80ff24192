namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>
/// A failed file operation with the errno text busybox prints (strerror): "No such file or directory", "Is a directory",
/// "Not a directory", "File exists", "Directory not empty", "Read-only file system", "Too many levels of symbolic links".
/// </summary>
public sealed class FileSystemException(string path, string error) : Exception($"{path}: {error}")
{
    public string Path { get; } = path;
    public string Error { get; } = error;

    public const string NoSuchFile = "No such file or directory";
    public const string IsADirectory = "Is a directory";
    public const string NotADirectory = "Not a directory";
    public const string FileExists = "File exists";
    public const string NotEmpty = "Directory not empty";
    public const string ReadOnly = "Read-only file system";
    public const string Loop = "Too many levels of symbolic links";
}
