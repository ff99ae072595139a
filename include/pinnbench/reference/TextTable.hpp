#pragma once
// Whitespace-separated numeric text as numpy.loadtxt(path, comments="%") reads
// it: '%' starts a comment (whole-line '%' comments are kept, as raw bytes,
// since COMSOL headers hold UTF-8 text), LF or CRLF line ends, runs of spaces
// or tabs between numbers, "NaN"/"nan"/"inf" allowed. Every data row must have
// the same number of columns. Problems are ConfigErrors naming the file, the
// line and what was expected.
#include <cstdint>
#include <string>
#include <vector>

namespace pinnbench::reference {

struct TextTable
{
  std::string path;
  std::int64_t rows = 0;
  int columns = 0;
  std::vector<double> values;                     ///< [rows][columns]
  std::vector<std::string> comment_lines;         ///< '%' lines without the '\r'
  std::vector<std::int64_t> comment_line_numbers; ///< 1-based

  double operator()(std::int64_t row, int column) const
  {
    return values[static_cast<std::size_t>(row * columns + column)];
  }
};

/// Reads the table; `expected_columns` >= 1 also checks the column count.
TextTable read_text_table(const std::string& path, int expected_columns = -1);

/// The same from text in memory (`path` only names it in messages).
TextTable parse_text_table(const std::string& text, const std::string& path,
                           int expected_columns = -1);

} // namespace pinnbench::reference
