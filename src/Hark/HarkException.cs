namespace Hark;

/// <summary>
/// Base of every error Hark reports on purpose. The CLI prints <see cref="Exception.Message"/> as one line
/// and exits 1; <see cref="HarkInputException"/> and its subclasses exit 2.
/// </summary>
public class HarkException : Exception
{
    /// <summary>Creates an error with a message meant for the user.</summary>
    public HarkException(string message) : base(message) { }

    /// <summary>Creates an error with a message meant for the user and the cause.</summary>
    public HarkException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// The user's input (a file, a folder, an option) is wrong. The message names the file, the field and what was
/// expected, so that one line on stderr is enough to fix it.
/// </summary>
public class HarkInputException : HarkException
{
    /// <summary>Creates an input error.</summary>
    /// <param name="message">What is wrong and what was expected.</param>
    /// <param name="path">The offending file or folder, when there is one.</param>
    /// <param name="field">The offending field, tensor or option, when there is one.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public HarkInputException(string message, string? path = null, string? field = null, Exception? inner = null)
        : base(Compose(message, path, field), inner)
    {
        Path = path;
        Field = field;
    }

    /// <summary>The file or folder at fault, if any.</summary>
    public string? Path { get; }

    /// <summary>The field, tensor or option at fault, if any.</summary>
    public string? Field { get; }

    private static string Compose(string message, string? path, string? field)
    {
        var where = (path, field) switch
        {
            (not null, not null) => $"{path}: {field}: ",
            (not null, null) => $"{path}: ",
            (null, not null) => $"{field}: ",
            _ => "",
        };
        return where + message;
    }
}
