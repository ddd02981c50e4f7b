/** One schema failure as Ajv reports it (the fields Fastify passes on in `error.validation`). */
export interface SchemaFailure {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Where the failure is: a property that is not allowed is named, not only the object holding it. */
export function failurePath({ keyword, instancePath, params }: SchemaFailure): string {
  return keyword === 'additionalProperties'
    ? `${instancePath}/${String(params.additionalProperty)}`
    : instancePath;
}

/**
 * Fastify's English message ("body/amountWon must be >= 1", failures joined by ", "), which Ajv
 * leaves without the name of a property that is not allowed: it is added after a colon.
 */
export function validationMessageEn(context: string, failures: readonly SchemaFailure[]): string {
  return failures
    .map((failure) => {
      const text = `${context}${failure.instancePath} ${failure.message ?? 'is not valid'}`;
      return failure.keyword === 'additionalProperties'
        ? `${text}: ${String(failure.params.additionalProperty)}`
        : text;
    })
    .join(', ');
}

const TYPE_NAMES_KO: Readonly<Record<string, string>> = {
  integer: '정수',
  number: '숫자',
  string: '문자열',
  boolean: '참/거짓(boolean)',
  object: '객체',
  array: '배열',
  null: 'null',
};

function typeNameKo(type: unknown): string {
  return String(type)
    .split(',')
    .map((name) => TYPE_NAMES_KO[name] ?? name)
    .join(' 또는 ');
}

function listOf(values: unknown): string {
  return (Array.isArray(values) ? values : [values]).map((value) => JSON.stringify(value)).join(', ');
}

/** The reason in Korean for `field`, by Ajv keyword; an unknown keyword still names the field. */
function reasonKo(field: string, { keyword, params }: SchemaFailure): string {
  const limit = params.limit;
  switch (keyword) {
    case 'required':
      return `${field}/${String(params.missingProperty)} 값이 필요합니다`;
    case 'additionalProperties':
      return `${field}/${String(params.additionalProperty)} 필드는 허용되지 않습니다`;
    case 'minimum':
      return `${field} 값은 ${limit} 이상이어야 합니다`;
    case 'maximum':
      return `${field} 값은 ${limit} 이하여야 합니다`;
    case 'exclusiveMinimum':
      return `${field} 값은 ${limit}보다 커야 합니다`;
    case 'exclusiveMaximum':
      return `${field} 값은 ${limit}보다 작아야 합니다`;
    case 'type':
      return `${field} 값은 ${typeNameKo(params.type)} 형식이어야 합니다`;
    case 'minLength':
      return `${field} 값은 ${limit}자 이상이어야 합니다`;
    case 'maxLength':
      return `${field} 값은 ${limit}자 이하여야 합니다`;
    case 'pattern':
      return `${field} 값이 형식(${String(params.pattern)})에 맞지 않습니다`;
    case 'format':
      return `${field} 값이 ${String(params.format)} 형식이 아닙니다`;
    case 'enum':
      return `${field} 값은 다음 중 하나여야 합니다: ${listOf(params.allowedValues)}`;
    case 'const':
      return `${field} 값은 ${listOf(params.allowedValue)}이어야 합니다`;
    case 'minItems':
      return `${field} 항목은 ${limit}개 이상이어야 합니다`;
    case 'maxItems':
      return `${field} 항목은 ${limit}개 이하여야 합니다`;
    case 'multipleOf':
      return `${field} 값은 ${String(params.multipleOf)}의 배수여야 합니다`;
    case 'uniqueItems':
      return `${field} 항목에 중복이 있습니다`;
    default:
      return `${field} 값이 올바르지 않습니다`;
  }
}

/**
 * The Korean twin of Fastify's English validation message: "요청 형식이 올바르지 않습니다: " and, for
 * each failure, the field (`body/amountWon`, as the English names it) and why.
 */
export function validationMessageKo(context: string, failures: readonly SchemaFailure[]): string {
  const reasons = failures.map((failure) => reasonKo(`${context}${failure.instancePath}`, failure));
  return `요청 형식이 올바르지 않습니다: ${reasons.join(', ')}`;
}
