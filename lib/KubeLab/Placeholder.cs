namespace KubeLab; internal static class Placeholder {}
