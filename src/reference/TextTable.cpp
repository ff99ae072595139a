#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <pinnbench/core/Error.hpp>
#include <pinnbench/reference/TextTable.hpp>
#include <sstream>

namespace pinnbench::reference {

namespace {

bool is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string location(const std::string& path, std::int64_t line)
{
  return path + ":" + std::to_string(line) + ": ";
}

} // namespace

TextTable parse_text_table(const std::string& text, const std::string& path, int expected_columns)
{
  TextTable table;
  table.path = path;
  std::int64_t first_row_line = 0;
  std::int64_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    ++line_number;
    // The data part: up to '%' (a comment) or the line end.
    const std::size_t stop =
        static_cast<std::size_t>(std::find(text.begin() + static_cast<std::ptrdiff_t>(start),
                                           text.begin() + static_cast<std::ptrdiff_t>(end), '%') -
                                 text.begin());
    std::size_t p = start;
    while (p < stop && is_blank(text[p]))
      ++p;
    if (p == stop && stop < end) { // a whole-line comment
      std::size_t last = end;
      if (last > start && text[last - 1] == '\r')
        --last;
      table.comment_lines.push_back(text.substr(start, last - start));
      table.comment_line_numbers.push_back(line_number);
    }
    int columns = 0;
    while (p < stop) {
      const char* token = text.c_str() + p;
      // from_chars: correctly rounded like strtod and several times faster;
      // strtod only for what from_chars does not take (a leading '+').
      double value = 0.0;
      const auto [after, error] = std::from_chars(token, text.c_str() + stop, value);
      std::size_t consumed = error == std::errc() ? static_cast<std::size_t>(after - token) : 0;
      if (error != std::errc() && text[p] == '+') {
        char* parsed_to = nullptr;
        value = std::strtod(token, &parsed_to);
        consumed = static_cast<std::size_t>(parsed_to - token);
      }
      if (consumed == 0 || p + consumed > stop ||
          (p + consumed < stop && !is_blank(text[p + consumed]))) {
        std::size_t word_end = p;
        while (word_end < stop && !is_blank(text[word_end]))
          ++word_end;
        throw ConfigError(location(path, line_number) + "column " + std::to_string(columns + 1) +
                          ": expected a number, found '" + text.substr(p, word_end - p) + "'");
      }
      table.values.push_back(value);
      ++columns;
      p += consumed;
      while (p < stop && is_blank(text[p]))
        ++p;
    }
    if (columns > 0) {
      if (table.rows == 0) {
        table.columns = columns;
        first_row_line = line_number;
        if (expected_columns > 0 && columns != expected_columns)
          throw ConfigError(location(path, line_number) + "expected " +
                            std::to_string(expected_columns) + " numbers per row, found " +
                            std::to_string(columns));
      } else if (columns != table.columns) {
        throw ConfigError(location(path, line_number) + "expected " +
                          std::to_string(table.columns) + " numbers (as on line " +
                          std::to_string(first_row_line) + "), found " + std::to_string(columns));
      }
      ++table.rows;
    }
    start = end + 1;
  }
  if (table.rows == 0)
    throw ConfigError(path + ": no data rows (only comments or blank lines)");
  return table;
}

TextTable read_text_table(const std::string& path, int expected_columns)
{
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw ConfigError(path + ": cannot open the file");
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad())
    throw ConfigError(path + ": read error");
  return parse_text_table(bytes.str(), path, expected_columns);
}

} // namespace pinnbench::reference
